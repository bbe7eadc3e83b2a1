-- specedit: the user commands exist as soon as the plugin is on the runtimepath;
-- require("specedit").setup{...} registers and starts the language server.
if vim.g.loaded_specedit then
  return
end
vim.g.loaded_specedit = true

if vim.fn.has("nvim-0.10") == 0 then
  vim.notify_once("specedit needs Neovim 0.10 or newer", vim.log.levels.WARN)
  return
end

require("specedit").create_user_commands()
