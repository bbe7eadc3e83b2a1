-- Headless Neovim for the trust test (-u): editors/neovim set up with no cmd, as a user would.
-- After startup: waits for the server to attach to the file given on the command line, records
-- which of the project's programs ran (SPECEDIT_MARKERS) and the messages, runs SPECEDIT_THEN
-- (an Ex command, e.g. SpecEditTrust) and waits for a new server, writes SPECEDIT_RESULT, quits.
vim.opt.runtimepath:prepend(assert(os.getenv("SPECEDIT_NVIM_RTP")))
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"

local report = { messages = {}, phases = {} }
vim.notify = function(message)
  table.insert(report.messages, message)
end

require("specedit").setup({ progress = false })

local function attached(previous_id)
  local client = vim.lsp.get_clients({ bufnr = 0, name = "specedit" })[1]
  if client and client.initialized and client.id ~= previous_id then
    return client
  end
  return nil
end

local function phase(name, previous_id)
  local client
  vim.wait(60000, function()
    client = attached(previous_id)
    return client ~= nil
  end, 50)
  local ran = vim.fn.readdir(assert(os.getenv("SPECEDIT_MARKERS")))
  table.insert(report.phases, { name = name, attached = client ~= nil, ran = ran })
  return client
end

local function finish()
  local file = assert(io.open(assert(os.getenv("SPECEDIT_RESULT")), "w"))
  file:write(vim.json.encode(report))
  file:close()
  vim.cmd("qall!")
end

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = vim.schedule_wrap(function()
    local ok, err = pcall(function()
      local first = phase("start")
      local command = os.getenv("SPECEDIT_THEN")
      if command and command ~= "" then
        vim.cmd(command)
        phase("after " .. command, first and first.id)
      end
    end)
    report.error = not ok and tostring(err) or nil
    finish()
  end),
})
