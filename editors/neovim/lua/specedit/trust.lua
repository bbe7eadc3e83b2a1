--- specedit: whether a project's own .venv server may run (Neovim's trust database, vim.secure), and the restart once it may.
local M = {}

local uv = vim.uv or vim.loop

--- The project's server script, or nil: <root>/.venv/bin/specedit when it is executable.
function M.venv_server(root)
  local candidate = root .. "/.venv/bin/specedit"
  if vim.fn.executable(candidate) == 1 then
    return candidate
  end
  return nil
end

--- vim.secure's trust database ($XDG_STATE_HOME/nvim/trust: "<hash> <full path>" per line), read
--- as vim.secure.read() reads it but without its prompt: starting a server must not ask.
local function trust_database()
  local entries = {}
  local file = io.open(vim.fn.stdpath("state") .. "/trust", "r")
  if not file then
    return entries
  end
  for line in file:lines() do
    local hash, path = line:match("^(%S+) (.+)$")
    if hash then
      entries[path] = hash
    end
  end
  file:close()
  return entries
end

local function sha256_of(path)
  local file = io.open(path, "rb")
  if not file then
    return nil
  end
  local contents = file:read("*a")
  file:close()
  return contents and vim.fn.sha256(contents) or nil
end

--- Whether the user trusts the project at `root` to run `venv` (its .venv server): the directory
--- trusted by name (`:trust` on the directory, or :SpecEditTrust), or the script itself trusted by
--- the hash of its contents (`:trust` in its buffer; a changed script is untrusted again). A denial
--- (`:trust ++deny`) of either wins.
function M.trusted(root, venv)
  local entries = trust_database()
  local dir = uv.fs_realpath(root)
  local script = uv.fs_realpath(venv)
  if not dir or not script or entries[dir] == "!" or entries[script] == "!" then
    return false
  end
  if entries[dir] == "directory" then
    return true
  end
  return entries[script] ~= nil and entries[script] == sha256_of(script)
end

--- Roots already told about, so the message comes once per project and session.
local told = {}

--- The server's argv for `root` when no cmd is configured: the project's .venv server if the
--- project is trusted, else `specedit` on PATH (saying once why the project's own was not used).
function M.default_cmd(root)
  local venv = M.venv_server(root)
  if venv == nil then
    return { "specedit", "serve" }
  end
  if M.trusted(root, venv) then
    return { venv, "serve" }
  end
  if not told[root] then
    told[root] = true
    vim.notify(
      ("specedit: not starting %s: this project is not trusted (:SpecEditTrust trusts it, or set cmd); "
        .. "using specedit on PATH"):format(venv),
      vim.log.levels.WARN
    )
  end
  return { "specedit", "serve" }
end

--- Marks `root` trusted in vim.secure's database: the directory by name where this Neovim keys
--- directories so, else the .venv script by its contents. Returns the trusted path, or nil and why.
function M.trust(root)
  local dir = uv.fs_realpath(root)
  if not dir then
    return nil, "no such directory: " .. root
  end
  -- vim.secure.trust keys a buffer named after a directory on the name alone ("directory").
  local existed = vim.fn.bufexists(dir) == 1
  local bufnr = vim.fn.bufadd(dir)
  local ok, result = pcall(vim.secure.trust, { action = "allow", bufnr = bufnr })
  if not existed and vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_delete(bufnr, { force = true })
  end
  if ok and trust_database()[dir] == "directory" then
    told[root] = nil
    return dir
  end
  -- An older Neovim hashes that empty buffer instead: trust the script's contents.
  if ok then
    vim.secure.trust({ action = "remove", path = dir })
  end
  local venv = M.venv_server(root)
  if venv == nil then
    return nil, "this Neovim trusts files, not directories, and " .. root .. " has no .venv/bin/specedit"
  end
  local script_existed = vim.fn.bufexists(venv) == 1
  local script = vim.fn.bufadd(venv)
  vim.fn.bufload(script)
  local trusted, message = vim.secure.trust({ action = "allow", bufnr = script })
  if not script_existed then
    vim.api.nvim_buf_delete(script, { force = true })
  end
  if not trusted then
    return nil, message
  end
  told[root] = nil
  return message
end

local function specedit_clients()
  return (vim.lsp.get_clients or vim.lsp.get_active_clients)({ name = "specedit" })
end

--- Stops the specedit clients and starts them again for the open buffers; `start_for_buffer`
--- starts one buffer's client where vim.lsp.enable does not exist (Neovim 0.10).
function M.restart_clients(start_for_buffer)
  for _, client in ipairs(specedit_clients()) do
    if vim.fn.has("nvim-0.11") == 1 then
      client:stop()
    else
      client.stop()
    end
  end
  -- A stopping client still counts as running: a start now would reuse it.
  vim.wait(10000, function()
    return #specedit_clients() == 0
  end, 50)
  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.enable("specedit", false)
    vim.lsp.enable("specedit")
    return
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      start_for_buffer(bufnr)
    end
  end
end

return M
