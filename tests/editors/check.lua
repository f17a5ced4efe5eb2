-- Drives Neovim's built-in LSP client against `draftlint lsp`; run by tests/neovim.rs as
--   nvim --headless -u NONE -i NONE -n -c "luafile tests/editors/check.lua"
-- (`-c luafile` rather than `-l`, which Debian's Neovim 0.7 lacks).
--
-- Environment: DRAFTLINT_BIN (the binary), DRAFTLINT_FILE (the draft to open),
-- DRAFTLINT_OUT (where to write the result as JSON). The script opens the draft, records the
-- diagnostics Neovim shows, inserts "Critics say the plan will fail." as line 1, and records
-- how long the new finding takes to appear. It always quits, writing an `error` on failure.

local bin = os.getenv('DRAFTLINT_BIN')
local file = os.getenv('DRAFTLINT_FILE')
local out = os.getenv('DRAFTLINT_OUT')
local result = { nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch) }

local function shown(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(list, {
      code = code,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
    })
  end
  return list
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  -- `-u NONE` loads no filetype plugins; Neovim would call this buffer `text`.
  vim.bo[buf].filetype = 'text'
  local config = {
    name = 'draftlint',
    cmd = { bin, 'lsp' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  }
  if vim.lsp.start then
    result.client = vim.lsp.start(config, { bufnr = buf })
  else
    result.client = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, result.client)
  end
  if not vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 10) then
    error('no diagnostics within 10 s')
  end
  result.opened = shown(buf)

  local function new_finding()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if d.lnum == 0 and d.col == 0 and code == 'vague-attribution' then
        return true
      end
    end
    return false
  end
  local start = vim.loop.hrtime()
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { 'Critics say the plan will fail.' })
  if not vim.wait(5000, new_finding, 5) then
    error('no finding on the inserted line within 5 s')
  end
  result.elapsed_ms = (vim.loop.hrtime() - start) / 1e6
  result.edited = shown(buf)
  vim.lsp.stop_client(result.client)
end

local ok, err = pcall(run)
if not ok then
  result.error = tostring(err)
end
local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qall!')
