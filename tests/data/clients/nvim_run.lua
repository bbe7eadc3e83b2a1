-- Runs one :SpecEdit* command on the current buffer against the real server, waits for
-- specedit/jobDone, writes the buffer and a JSON report (SPECEDIT_RESULT), then quits.
local result = { progress = {}, started = nil, jobDone = nil, error = nil }
local timeout_ms = tonumber(os.getenv("SPECEDIT_TIMEOUT_MS") or "180000")

local function finish(code)
  result.text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") .. "\n"
  local client = vim.lsp.get_clients({ bufnr = 0, name = "specedit" })[1]
  result.offset_encoding = client and client.offset_encoding or nil
  local file = assert(io.open(assert(os.getenv("SPECEDIT_RESULT")), "w"))
  file:write(vim.json.encode(result))
  file:close()
  vim.cmd(code == 0 and "qall!" or ("cquit " .. code))
end

vim.api.nvim_create_autocmd("User", {
  pattern = "SpecEditJobStarted",
  callback = function(ev)
    result.started = ev.data.job
  end,
})
vim.api.nvim_create_autocmd("User", {
  pattern = "SpecEditJobDone",
  callback = function(ev)
    result.jobDone = ev.data
  end,
})
vim.api.nvim_create_autocmd("LspProgress", {
  callback = function(ev)
    table.insert(result.progress, ev.data.params.value.kind)
  end,
})

-- The server's window/logMessage lines, in order.
result.logs = {}
local log_message = vim.lsp.handlers["window/logMessage"]
vim.lsp.handlers["window/logMessage"] = function(err, params, ctx, config)
  table.insert(result.logs, params.message)
  return log_message(err, params, ctx, config)
end

-- The buffer after each workspace/applyEdit the server sent, in order (what the user saw while it streamed).
result.applied = {}
local apply_edit = vim.lsp.handlers["workspace/applyEdit"]
vim.lsp.handlers["workspace/applyEdit"] = function(err, params, ctx, config)
  local answer = apply_edit(err, params, ctx, config)
  table.insert(result.applied, table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") .. "\n")
  return answer
end

-- SPECEDIT_INPUT: what the user types at an input prompt, once the server has logged a warm-up
-- of lines around the cursor (as a person typing takes seconds; 20 s at most); result.logs_at_input:
-- the log lines there were by then.
local typed = os.getenv("SPECEDIT_INPUT")
if typed then
  vim.ui.input = function(_, on_confirm)
    local row = vim.api.nvim_win_get_cursor(0)[1]
    vim.wait(20000, function()
      for _, line in ipairs(result.logs) do
        local first, last = line:match("warm%-up: prefilled %d+ prompt tokens for an edit of lines (%d+)%-(%d+)")
        if first and tonumber(first) <= row and row <= tonumber(last) then
          return true
        end
      end
      return false
    end, 50)
    result.logs_at_input = vim.deepcopy(result.logs)
    on_confirm(typed)
  end
end

local attached = vim.wait(60000, function()
  local client = vim.lsp.get_clients({ bufnr = 0, name = "specedit" })[1]
  return client ~= nil and client.initialized == true
end, 50)
if not attached then
  result.error = "specedit did not attach within 60 s"
  finish(3)
  return
end

local cursor = os.getenv("SPECEDIT_CURSOR") -- "line,col" (1-based line, 0-based byte column)
if cursor then
  local line, col = cursor:match("(%d+),(%d+)")
  vim.api.nvim_win_set_cursor(0, { tonumber(line), tonumber(col) })
end
local visual = os.getenv("SPECEDIT_VISUAL_LINES") -- "first,last": select them linewise first
if visual then
  local first, last = visual:match("(%d+),(%d+)")
  vim.api.nvim_win_set_cursor(0, { tonumber(first), 0 })
  vim.cmd("normal! V" .. (tonumber(last) - tonumber(first)) .. "j\27")
end

local ok, err = pcall(vim.cmd, assert(os.getenv("SPECEDIT_EX_COMMAND")))
if not ok then
  result.error = tostring(err)
  finish(4)
  return
end

if not vim.wait(timeout_ms, function()
  return result.jobDone ~= nil
end, 50) then
  result.error = "no specedit/jobDone within " .. timeout_ms .. " ms"
  finish(5)
  return
end
-- A second command once the job is done (SpecEditUndo, SpecEditAccept): wait until it changed the buffer.
local after = os.getenv("SPECEDIT_AFTER_EX_COMMAND")
if after then
  local before = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  result.text_before_after_command = before .. "\n"
  local ran, after_err = pcall(vim.cmd, after)
  if not ran then
    result.error = tostring(after_err)
    finish(6)
    return
  end
  result.after_changed = vim.wait(20000, function()
    return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") ~= before
  end, 50)
end
vim.cmd("silent write")
finish(0)
