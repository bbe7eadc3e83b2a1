"""The server's command names (workspace/executeCommand); each command takes one object argument."""

EDIT = "specedit.edit"  # {uri, range?, instruction}
EDIT_FROM_COMMENT = "specedit.editFromComment"  # {uri, range?}
RENAME = "specedit.rename"  # {uri, position, newName?}
FIX = "specedit.fix"  # {uri, range, message, fixEdits?}
APPLY_SKETCH = "specedit.applySketch"  # {uri, sketch}
CANCEL = "specedit.cancel"  # {uri?}
UNDO = "specedit.undo"  # {uri}: revert the document's last AI edit in one step
COMMANDS = [EDIT, EDIT_FROM_COMMENT, RENAME, FIX, APPLY_SKETCH, CANCEL, UNDO]
