--- specedit for Neovim: registers the `specedit serve` language server and the :SpecEdit commands.
local M = {}

local trust = require("specedit.trust")
local uv = vim.uv or vim.loop

M.defaults = {
  -- argv of the server; nil: <project>/.venv/bin/specedit if it exists and you trust the project
  -- (:SpecEditTrust, or :trust on the directory), else `specedit` on PATH
  cmd = nil,
  -- server settings (initializationOptions and workspace/didChangeConfiguration), e.g.
  -- { modelPath = "/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", nGpuLayers = 99 }
  settings = {},
  -- nil: every buffer that has a file name; or a list of filetypes
  filetypes = nil,
  root_markers = { ".git", "pyproject.toml", "package.json", "Cargo.toml", "go.mod", ".venv" },
  -- "echo" (command line), "notify" (vim.notify), or false
  progress = "echo",
}

M.config = vim.deepcopy(M.defaults)

local function has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

local function configured(cmd)
  return type(cmd) == "string" or (type(cmd) == "table" and #cmd > 0)
end

--- The server's argv: the configured cmd, the trusted project's .venv, or PATH.
function M.server_cmd(cmd, root)
  if type(cmd) == "string" then
    return { cmd, "serve" }
  end
  if configured(cmd) then
    return cmd
  end
  return trust.default_cmd(root or uv.cwd())
end

--- Without a configured cmd the argv depends on the project (its .venv, if trusted): chosen when
--- the client starts, in the root Neovim found (0.12+ passes the config; 0.11: the cwd).
local function start_in_project(dispatchers, client_config)
  local root = client_config and client_config.root_dir or uv.cwd()
  return vim.lsp.rpc.start(M.server_cmd(nil, root), dispatchers, {
    cwd = client_config and client_config.cmd_cwd,
    env = client_config and client_config.cmd_env,
  })
end

--- The running specedit client attached to `bufnr`, or nil with a message.
local function get_client(bufnr)
  local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ bufnr = bufnr, name = "specedit" })
  if #clients == 0 then
    vim.notify("specedit: no specedit server attached to this buffer", vim.log.levels.WARN)
    return nil
  end
  return clients[1]
end

local function request(client, method, params, handler, bufnr)
  if has("0.11") then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Sends workspace/executeCommand with the single object argument the server expects.
function M.execute(command, argument, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = get_client(bufnr)
  if not client then
    return
  end
  request(client, "workspace/executeCommand", { command = command, arguments = { argument } }, function(err, result)
    if err then
      vim.notify("specedit: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) == "table" and result.job then
      vim.api.nvim_exec_autocmds("User", {
        pattern = "SpecEditJobStarted",
        modeline = false,
        data = { job = result.job, command = command, bufnr = bufnr },
      })
    end
  end, bufnr)
end

local function line_length(bufnr, row, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
  if encoding == "utf-8" then
    return #line
  end
  if has("0.11") then
    return vim.str_utfindex(line, encoding)
  end
  local utf32, utf16 = vim.str_utfindex(line)
  return encoding == "utf-16" and utf16 or utf32
end

--- LSP range covering whole lines line1..line2 (1-based, inclusive).
function M.line_range(bufnr, line1, line2, encoding)
  return {
    start = { line = line1 - 1, character = 0 },
    ["end"] = { line = line2 - 1, character = line_length(bufnr, line2 - 1, encoding) },
  }
end

--- Range of the command's line range, or of the exact visual selection when the
--- command was given the '< '> marks of a charwise selection.
local function command_range(opts, bufnr, encoding)
  if opts.range == 0 then
    return nil
  end
  local vstart, vend = vim.fn.getpos("'<"), vim.fn.getpos("'>")
  if vim.fn.visualmode() == "v" and vstart[2] == opts.line1 and vend[2] == opts.line2 then
    local params = vim.lsp.util.make_given_range_params(
      { vstart[2], vstart[3] - 1 },
      { vend[2], vend[3] - 1 },
      bufnr,
      encoding
    )
    return params.range
  end
  return M.line_range(bufnr, opts.line1, opts.line2, encoding)
end

local function with_input(value, prompt, default, callback)
  if value and value ~= "" then
    callback(value)
    return
  end
  vim.ui.input({ prompt = prompt, default = default }, function(input)
    if input ~= nil then
      callback(input)
    end
  end)
end

--- Asks the server for the code actions at `range` and drops the answer: the server then prefills
--- the prompt of an edit there (as it does for every code action request), while the user types.
local function warm_at(client, bufnr, range)
  request(client, "textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = range,
    context = { diagnostics = {} },
  }, function() end, bufnr)
end

--- :[range]SpecEdit {instruction}: the lines in range, else the syntax node around the cursor.
function M.edit(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = get_client(bufnr)
  if not client then
    return
  end
  local range = command_range(opts, bufnr, client.offset_encoding)
  if range == nil then
    -- An empty range at the cursor: the server edits the enclosing syntax node.
    local position = vim.lsp.util.make_position_params(0, client.offset_encoding).position
    range = { start = position, ["end"] = position }
  end
  if not opts.args or opts.args == "" then
    warm_at(client, bufnr, range) -- the instruction is still to be typed: time to prefill
  end
  with_input(opts.args, "AI edit: ", nil, function(instruction)
    instruction = vim.trim(instruction)
    if instruction == "" then
      return
    end
    M.execute("specedit.edit", { uri = vim.uri_from_bufnr(bufnr), range = range, instruction = instruction }, bufnr)
  end)
end

--- :[range]SpecEditFromComment: apply the `ai:` directive comment in the range (or the buffer).
function M.edit_from_comment(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = get_client(bufnr)
  if not client then
    return
  end
  local range = command_range(opts, bufnr, client.offset_encoding)
  M.execute("specedit.editFromComment", { uri = vim.uri_from_bufnr(bufnr), range = range }, bufnr)
end

--- :SpecEditRename {new_name}: rename the identifier under the cursor.
function M.rename(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = get_client(bufnr)
  if not client then
    return
  end
  local position = vim.lsp.util.make_position_params(0, client.offset_encoding).position
  with_input(opts.args, "Rename with AI to (empty: let the model choose): ", vim.fn.expand("<cword>"), function(name)
    name = vim.trim(name)
    local argument = { uri = vim.uri_from_bufnr(bufnr), position = position }
    if name ~= "" then
      argument.newName = name
    end
    M.execute("specedit.rename", argument, bufnr)
  end)
end

--- :SpecEditCancel[!]: cancel this buffer's jobs (with !: all jobs).
function M.cancel(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  M.execute("specedit.cancel", opts.bang and vim.empty_dict() or { uri = vim.uri_from_bufnr(bufnr) }, bufnr)
end

--- :SpecEditUndo: revert this buffer's last AI edit in one step (refused if you changed what it wrote).
function M.undo()
  local bufnr = vim.api.nvim_get_current_buf()
  M.execute("specedit.undo", { uri = vim.uri_from_bufnr(bufnr) }, bufnr)
end

--- Code actions carry commands without what only the user can supply: ask for it.
local client_commands = {
  ["specedit.edit"] = function(command, ctx)
    local argument = vim.deepcopy((command.arguments or {})[1] or {})
    with_input(argument.instruction, "AI edit: ", nil, function(instruction)
      argument.instruction = vim.trim(instruction)
      if argument.instruction ~= "" then
        M.execute("specedit.edit", argument, ctx.bufnr)
      end
    end)
  end,
  ["specedit.rename"] = function(command, ctx)
    local argument = vim.deepcopy((command.arguments or {})[1] or {})
    with_input(argument.newName, "Rename with AI to (empty: let the model choose): ", vim.fn.expand("<cword>"), function(name)
      if vim.trim(name) ~= "" then
        argument.newName = vim.trim(name)
      end
      M.execute("specedit.rename", argument, ctx.bufnr)
    end)
  end,
}

local function on_job_done(err, result, ctx)
  if err or type(result) ~= "table" then
    return
  end
  local level = result.ok and vim.log.levels.INFO or vim.log.levels.WARN
  if M.config.progress then
    vim.notify("specedit: " .. (result.message or (result.ok and "done" or "failed")), level)
  end
  vim.api.nvim_exec_autocmds("User", { pattern = "SpecEditJobDone", modeline = false, data = result })
end

--- Edits offered for review (setting review = true): uri -> { bufnr, version, edits, diff window }.
M.pending_reviews = {}

local function close_review(uri)
  local pending = M.pending_reviews[uri]
  M.pending_reviews[uri] = nil
  if pending and pending.win and vim.api.nvim_win_is_valid(pending.win) then
    vim.api.nvim_win_close(pending.win, true)
  end
  return pending
end

--- specedit/review: show the finished edit as a diff in a split; :SpecEditAccept / :SpecEditReject decide.
local function on_review(err, result, ctx)
  if err or type(result) ~= "table" or not result.uri then
    return
  end
  close_review(result.uri)
  local scratch = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, vim.split(result.diff or "", "\n", { plain = true }))
  vim.bo[scratch].filetype = "diff"
  vim.bo[scratch].modifiable = false
  vim.cmd("botright split")
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_buf(win, scratch)
  vim.cmd("wincmd p")
  M.pending_reviews[result.uri] = {
    bufnr = vim.uri_to_bufnr(result.uri), version = result.version, edits = result.edits or {},
    client_id = ctx.client_id, win = win,
  }
  vim.notify("specedit: review the AI edit, then :SpecEditAccept or :SpecEditReject", vim.log.levels.INFO)
end

--- :SpecEditAccept: apply the reviewed edit in one undo step (refused if the buffer changed since).
function M.accept()
  local uri = vim.uri_from_bufnr(vim.api.nvim_get_current_buf())
  local pending = M.pending_reviews[uri] or select(2, next(M.pending_reviews))
  if not pending then
    vim.notify("specedit: no AI edit waiting for review", vim.log.levels.WARN)
    return
  end
  local buf_uri = vim.uri_from_bufnr(pending.bufnr)
  close_review(buf_uri)
  if vim.lsp.util.buf_versions[pending.bufnr] ~= pending.version then
    vim.notify("specedit: the buffer changed since the edit was made; not applied", vim.log.levels.WARN)
    return
  end
  local client = vim.lsp.get_client_by_id(pending.client_id)
  vim.lsp.util.apply_text_edits(pending.edits, pending.bufnr, client and client.offset_encoding or "utf-16")
  vim.notify("specedit: AI edit applied", vim.log.levels.INFO)
end

--- :SpecEditReject: drop the reviewed edit; the buffer stays as it is.
function M.reject()
  local uri = vim.uri_from_bufnr(vim.api.nvim_get_current_buf())
  local pending = close_review(M.pending_reviews[uri] and uri or (next(M.pending_reviews)))
  vim.notify(pending and "specedit: AI edit rejected" or "specedit: no AI edit waiting for review", vim.log.levels.INFO)
end

local function show_progress(ev)
  local client = vim.lsp.get_client_by_id(ev.data.client_id)
  if not client or client.name ~= "specedit" or not M.config.progress then
    return
  end
  local value = ev.data.params.value or {}
  local text = value.message or value.title or ""
  if value.percentage then
    text = string.format("%s (%d%%)", text, value.percentage)
  end
  if value.kind == "end" then
    text = "done" .. (value.message and (": " .. value.message) or "")
  end
  if M.config.progress == "notify" then
    vim.notify("specedit: " .. text, vim.log.levels.INFO)
  else
    vim.api.nvim_echo({ { "specedit: " .. text } }, false, {})
  end
end

--- The client config shared by vim.lsp.config (0.11+) and vim.lsp.start.
function M.client_config()
  local config = M.config
  return {
    name = "specedit",
    cmd = configured(config.cmd) and M.server_cmd(config.cmd) or start_in_project,
    filetypes = config.filetypes,
    root_markers = config.root_markers,
    init_options = config.settings,
    settings = { specedit = config.settings },
    commands = client_commands,
    handlers = { ["specedit/jobDone"] = on_job_done, ["specedit/review"] = on_review },
    -- Tells the server this client shows edits for review (setting review = true).
    capabilities = vim.tbl_deep_extend("force", vim.lsp.protocol.make_client_capabilities(),
      { experimental = { specedit = { review = true } } }),
  }
end

--- Defines :SpecEdit, :SpecEditFromComment, :SpecEditRename, :SpecEditCancel, :SpecEditUndo.
function M.create_user_commands()
  local command = vim.api.nvim_create_user_command
  command("SpecEdit", M.edit, { nargs = "*", range = true, desc = "specedit: apply an AI edit to the range" })
  command("SpecEditFromComment", M.edit_from_comment, { range = true, desc = "specedit: apply the ai: comment" })
  command("SpecEditRename", M.rename, { nargs = "?", desc = "specedit: rename the identifier under the cursor" })
  command("SpecEditCancel", M.cancel, { bang = true, desc = "specedit: cancel AI edits (!: all)" })
  command("SpecEditUndo", M.undo, { desc = "specedit: revert the last AI edit in one step" })
  command("SpecEditAccept", M.accept, { desc = "specedit: apply the AI edit shown for review" })
  command("SpecEditReject", M.reject, { desc = "specedit: drop the AI edit shown for review" })
  command("SpecEditTrust", M.trust_project, { desc = "specedit: trust this project (its .venv server may run)" })
end

--- The project of `bufnr`: the nearest directory with a root marker, else the cwd.
local function project_root(bufnr)
  return vim.fs.root and vim.fs.root(bufnr, M.config.root_markers) or uv.cwd()
end

local function start_for_buffer(bufnr)
  if vim.bo[bufnr].buftype ~= "" or vim.api.nvim_buf_get_name(bufnr) == "" then
    return
  end
  local config = M.client_config()
  config.root_dir = project_root(bufnr)
  config.cmd = M.server_cmd(M.config.cmd, config.root_dir)
  vim.lsp.start(config, { bufnr = bufnr })
end

--- :SpecEditTrust: trust the current project (vim.secure's database), then restart the server in it.
function M.trust_project()
  local root = project_root(vim.api.nvim_get_current_buf())
  local trusted, why = trust.trust(root)
  if not trusted then
    vim.notify("specedit: could not trust " .. root .. ": " .. tostring(why), vim.log.levels.ERROR)
    return
  end
  vim.notify("specedit: trusted " .. trusted .. "; restarting the server", vim.log.levels.INFO)
  trust.restart_clients(start_for_buffer)
end

--- setup{ cmd = {...}, settings = {...}, filetypes = {...}, progress = "echo"|"notify"|false }
function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  M.create_user_commands()
  local group = vim.api.nvim_create_augroup("specedit", { clear = true })
  vim.api.nvim_create_autocmd("LspProgress", { group = group, callback = show_progress })

  if vim.lsp.config and vim.lsp.enable then
    -- filetypes = nil: vim.lsp.enable attaches to every filetype.
    vim.lsp.config("specedit", M.client_config())
    vim.lsp.enable("specedit")
    return
  end
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes or "*",
    callback = function(ev)
      start_for_buffer(ev.buf)
    end,
  })
end

return M
