-- Headless Neovim for tests/clients: editors/neovim on the runtimepath, specedit set up
-- with the server and settings the test passes in environment variables.
vim.opt.runtimepath:prepend(assert(os.getenv("SPECEDIT_NVIM_RTP")))
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"

require("specedit").setup({
  cmd = { assert(os.getenv("SPECEDIT_EXE")), "serve" },
  settings = vim.json.decode(os.getenv("SPECEDIT_SETTINGS") or "{}"),
  progress = "echo",
})
