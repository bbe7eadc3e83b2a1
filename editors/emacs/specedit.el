;;; specedit.el --- Local AI code edits with the specedit language server  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: tools, languages

;;; Commentary:

;; Registers `specedit serve' with eglot and adds commands that run the
;; server's AI edits:
;;
;;   M-x specedit-edit               instruction for the region (or the syntax node at point)
;;   M-x specedit-rename             rename the symbol at point, the model updates the rest
;;   M-x specedit-edit-from-comment  apply an `# ai: ...' / `// ai: ...' comment in the region
;;   M-x specedit-cancel             cancel this buffer's AI edits (C-u: all of them)
;;   M-x specedit-undo               revert this buffer's last AI edit in one step
;;
;; The server streams each edit into the buffer while the model runs and
;; reports the result in the echo area.  Setup:
;;
;;   (require 'specedit)
;;   (setq specedit-settings '(:acceptance "typical"))   ; optional server settings
;;   (add-hook 'python-mode-hook #'eglot-ensure)
;;
;; Eglot runs one server per buffer: the modes in `specedit-major-modes' use
;; specedit instead of the default server for that mode.
;;
;; A project may ship its own .venv/bin/specedit (and a cloned repository can
;; ship any program under that name): it runs only once you trust the project,
;; through `trusted-content' (Emacs 30+) or, in older Emacs, by answering the
;; question asked once per project (remembered in `specedit-trust-file').
;; M-x specedit-trust-project trusts the current project (C-u: no longer).

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'jsonrpc)
(require 'subr-x)

(defgroup specedit nil
  "Local AI code edits with speculative decoding."
  :group 'tools
  :prefix "specedit-")

(defcustom specedit-server-command nil
  "Command line of the server, e.g. (\"/path/to/specedit\" \"serve\").
nil: <project>/.venv/bin/specedit if it exists and you trust the project
\(see `specedit-trust-project'), else specedit on PATH."
  :type '(choice (const :tag "Find it" nil) (repeat string)))
;; A project's .dir-locals.el must not choose the program to run, nor the
;; linters, model file, URL and key variable inside the settings.
(put 'specedit-server-command 'risky-local-variable t)

(defcustom specedit-settings nil
  "Server settings, a plist sent as initializationOptions.
Keys: :modelPath :nCtx :nThreads :nGpuLayers :useExtraBufts :draftMin
:draftMax :streaming (\"lines\"/\"final\"/\"off\") :acceptance (\"greedy\"/\"typical\")
:linters.  Example: (:modelPath \"~/models/coder.gguf\" :nGpuLayers 99)."
  :type 'plist)
(put 'specedit-settings 'risky-local-variable t)

(defcustom specedit-trust-file (locate-user-emacs-file "specedit-trust.eld")
  "File keeping which projects may run their own .venv/bin/specedit.
Used where Emacs has no `trusted-content' (before Emacs 30): the
answer to the question asked once per project is kept here."
  :type 'file)
(put 'specedit-trust-file 'risky-local-variable t)

(defcustom specedit-major-modes
  '(python-mode python-ts-mode js-mode js-ts-mode typescript-mode typescript-ts-mode
    go-mode go-ts-mode rust-mode rust-ts-mode c-mode c-ts-mode c++-mode c++-ts-mode
    java-mode java-ts-mode sh-mode bash-ts-mode ruby-mode ruby-ts-mode json-mode
    css-mode html-mode)
  "Major modes for which `specedit-eglot-register' makes eglot use specedit."
  :type '(repeat symbol))

(defvar specedit-job-done-functions nil
  "Abnormal hook run with the plist of each specedit/jobDone notification.
Keys: :uri :job :ok (t or :json-false) :message :stats.")

(defvar specedit--running-jobs 0
  "Jobs started from this Emacs that have not reported jobDone yet.")

;; Declared so that `let' binds them dynamically whichever eglot defines them.
(defvar eglot-confirm-server-initiated-edits)
(defvar eglot-confirm-server-edits)
;; Emacs 30+; checked with `fboundp' before use.
(defvar trusted-content)
(declare-function trusted-content-p "files" ())

(defclass specedit-eglot-server (eglot-lsp-server) ()
  :documentation "The specedit language server.")

(defun specedit--project-root ()
  "The current project's root directory, or `default-directory'."
  (let ((project (project-current)))
    (file-name-as-directory (expand-file-name (if project (project-root project) default-directory)))))

(defun specedit--trust-answers ()
  "The remembered answers: an alist of (ROOT . TRUSTED)."
  (when (file-readable-p specedit-trust-file)
    (with-temp-buffer
      (insert-file-contents specedit-trust-file)
      (let ((answers (ignore-errors (read (current-buffer)))))
        (and (listp answers) (cl-every #'consp answers) answers)))))

(defun specedit--remember-trust (root trusted)
  "Keep TRUSTED (t or nil) as the answer for ROOT in `specedit-trust-file'."
  (let ((answers (cons (cons root trusted)
                       (cl-remove root (specedit--trust-answers) :key #'car :test #'equal))))
    (make-directory (file-name-directory (expand-file-name specedit-trust-file)) t)
    (with-temp-file specedit-trust-file
      (let ((print-length nil) (print-level nil))
        (prin1 answers (current-buffer))
        (insert "\n")))))

(defun specedit--trusted-content-p (file)
  "Whether `trusted-content' (Emacs 30+) covers FILE."
  (with-temp-buffer
    ;; `trusted-content-p' judges the current buffer by its file's true name.
    (setq buffer-file-truename (abbreviate-file-name (file-truename file)))
    (trusted-content-p)))

(defun specedit-project-trusted-p (root venv)
  "Whether the user trusts the project at ROOT to run VENV, its own server.
With `trusted-content' (Emacs 30+) that decides; else the user is asked
once per project and the answer is kept in `specedit-trust-file'."
  (if (fboundp 'trusted-content-p)
      (specedit--trusted-content-p venv)
    (let ((known (assoc root (specedit--trust-answers))))
      (if known
          (eq (cdr known) t)
        (condition-case nil
            (let ((trusted (yes-or-no-p
                            (format "specedit: %s ships its own server, %s.  Trust this project and run it? "
                                    root venv))))
              (specedit--remember-trust root (and trusted t))
              trusted)
          ;; No one to ask (a batch Emacs without input): not trusted, and nothing remembered.
          ((error quit) nil))))))

(defvar specedit--told-untrusted nil
  "Project roots already told that their server was not started.")

(defun specedit--server-program ()
  "The server's argv for the current project."
  (or specedit-server-command
      (let* ((root (specedit--project-root))
             (venv (expand-file-name ".venv/bin/specedit" root)))
        (cond ((not (file-executable-p venv)) (list "specedit" "serve"))
              ((specedit-project-trusted-p root venv) (list venv "serve"))
              (t (unless (member root specedit--told-untrusted)
                   (push root specedit--told-untrusted)
                   (message "specedit: not starting %s: this project is not trusted (M-x specedit-trust-project trusts it, or set `specedit-server-command'); using specedit on PATH"
                            venv))
                 (list "specedit" "serve"))))))

;;;###autoload
(defun specedit-trust-project (&optional distrust)
  "Trust the current project: its .venv/bin/specedit may run; restart the server.
With prefix argument DISTRUST, no longer trust it.  Emacs 30+ records
this in `trusted-content', older Emacs in `specedit-trust-file'."
  (interactive "P")
  (let ((root (specedit--project-root)))
    (if (fboundp 'trusted-content-p)
        (let ((entry (abbreviate-file-name (file-truename root))))
          (when (eq trusted-content :all)
            (user-error "`trusted-content' is :all: every project is trusted already"))
          (customize-save-variable 'trusted-content
                                   (if distrust
                                       (delete entry (copy-sequence trusted-content))
                                     (cons entry (delete entry (copy-sequence trusted-content))))))
      (specedit--remember-trust root (not distrust)))
    (setq specedit--told-untrusted (delete root specedit--told-untrusted))
    (message "specedit: %s %s; restarting the server" (if distrust "no longer trusting" "trusted") root)
    (specedit--restart)))

(defun specedit--restart ()
  "Shut down the specedit server of this buffer, if any, and start it again."
  (let ((server (eglot-current-server)))
    (when (and server (cl-typep server 'specedit-eglot-server))
      (eglot-shutdown server)
      (apply #'eglot (eglot--guess-contact)))))

(defun specedit--contact (&optional _interactive)
  "Eglot contact: the specedit server class and its command line."
  (cons 'specedit-eglot-server (specedit--server-program)))

;;;###autoload
(defun specedit-eglot-register ()
  "Make eglot use specedit for `specedit-major-modes'."
  (setq eglot-server-programs
        (cons (cons specedit-major-modes #'specedit--contact)
              (cl-remove #'specedit--contact eglot-server-programs :key #'cdr))))

(specedit-eglot-register)

(cl-defmethod eglot-initialization-options ((_server specedit-eglot-server))
  "Send `specedit-settings' as initializationOptions."
  (or specedit-settings (make-hash-table)))

(defun specedit--buffer-for-uri (uri)
  "The live buffer visiting URI, or nil."
  (find-buffer-visiting (eglot--uri-to-path uri)))

(defun specedit--flush-changes (buffer)
  "Send BUFFER's pending didChange now instead of after eglot's idle delay.
The server waits for it before streaming the next part of an edit."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (when (bound-and-true-p eglot--managed-mode)
        (eglot--signal-textDocument/didChange)))))

(defun specedit--edited-buffers (edit)
  "Buffers named by the WorkspaceEdit plist EDIT."
  (let ((uris (append
               (mapcar (lambda (change) (plist-get (plist-get change :textDocument) :uri))
                       (plist-get edit :documentChanges))
               (cl-loop for (uri _edits) on (plist-get edit :changes) by #'cddr
                        collect (substring (symbol-name uri) 1)))))
    (delq nil (mapcar #'specedit--buffer-for-uri (delete-dups uris)))))

(cl-defmethod eglot-handle-request :around
  ((_server specedit-eglot-server) (_method (eql workspace/applyEdit)) &key edit &allow-other-keys)
  "Apply streamed edits without a prompt each; report the change at once."
  (let ((eglot-confirm-server-initiated-edits nil)
        (eglot-confirm-server-edits nil))
    (prog1 (cl-call-next-method)
      (mapc #'specedit--flush-changes (specedit--edited-buffers edit)))))

(cl-defmethod eglot-handle-request
  ((_server specedit-eglot-server) (_method (eql window/workDoneProgress/create)) &rest _)
  "Accept the server's progress tokens."
  nil)

(cl-defmethod eglot-handle-notification
  ((_server specedit-eglot-server) (_method (eql $/progress)) &key _token value &allow-other-keys)
  "Show the server's progress in the echo area."
  (let ((kind (plist-get value :kind))
        (text (or (plist-get value :message) (plist-get value :title) "")))
    (unless (equal kind "end")
      (let ((message-log-max nil))
        (message "specedit: %s%s" text
                 (if-let ((pct (plist-get value :percentage))) (format " (%d%%)" pct) ""))))))

(cl-defmethod eglot-handle-notification
  ((_server specedit-eglot-server) (_method (eql specedit/jobDone)) &rest params &key ok message &allow-other-keys)
  "Report a finished job and run `specedit-job-done-functions'."
  (setq specedit--running-jobs (max 0 (1- specedit--running-jobs)))
  (message "specedit: %s" (or message (if (eq ok t) "done" "failed")))
  (run-hook-with-args 'specedit-job-done-functions params))

(defun specedit--complete-argument (command argument)
  "ARGUMENT of server COMMAND, with what only the user can give added.
Code actions carry \"specedit.edit\" without an instruction and
\"specedit.rename\" without a new name: ask for them."
  (pcase command
    ("specedit.edit"
     (if (plist-get argument :instruction)
         argument
       (plist-put (copy-sequence argument) :instruction (read-string "AI edit: "))))
    ("specedit.rename"
     (let ((name (or (plist-get argument :newName)
                     (string-trim (read-string "Rename with AI to (empty: model's choice): "
                                               nil nil (thing-at-point 'symbol t))))))
       (if (string-empty-p name)
           argument
         (plist-put (copy-sequence argument) :newName name))))
    (_ argument)))

(cl-defmethod eglot-execute-command :around ((server specedit-eglot-server) command arguments)
  "Complete ARGUMENTS of COMMAND for SERVER (code actions, eglot 1.9-1.13)."
  (if (and (vectorp arguments) (> (length arguments) 0))
      (cl-call-next-method server command
                           (vector (specedit--complete-argument (format "%s" command) (aref arguments 0))))
    (cl-call-next-method)))

(cl-defmethod eglot-execute :around ((server specedit-eglot-server) action)
  "Complete the argument of the Command ACTION for SERVER (newer eglot)."
  (let ((arguments (plist-get action :arguments)))
    (if (and (stringp (plist-get action :command)) (vectorp arguments) (> (length arguments) 0))
        (cl-call-next-method
         server
         (plist-put (copy-sequence action) :arguments
                    (vector (specedit--complete-argument (plist-get action :command) (aref arguments 0)))))
      (cl-call-next-method))))

(defun specedit--server ()
  "The specedit server managing this buffer, or an error."
  (let ((server (eglot-current-server)))
    (unless (and server (cl-typep server 'specedit-eglot-server))
      (user-error "No specedit server manages this buffer (M-x eglot)"))
    server))

(defun specedit--position (&optional pos)
  "LSP position of POS (default point) in the server's encoding."
  (eglot--pos-to-lsp-position pos))

(defun specedit--range (beg end)
  "LSP range of BEG..END, or nil when either is nil."
  (when (and beg end)
    (list :start (specedit--position beg) :end (specedit--position end))))

(defun specedit--uri ()
  "URI of the current buffer's file."
  (plist-get (eglot--TextDocumentIdentifier) :uri))

(defun specedit-execute (command argument)
  "Run the server COMMAND with the single object ARGUMENT; return its result.
The edit itself runs in the background and streams into the buffer."
  (let ((server (specedit--server)))
    (specedit--flush-changes (current-buffer))
    (let ((result (jsonrpc-request server :workspace/executeCommand
                                   (list :command command :arguments (vector argument)))))
      (when (plist-get result :job)
        (cl-incf specedit--running-jobs)
        (message "specedit: job %s started" (plist-get result :job)))
      result)))

(defun specedit--region ()
  "Active region as (BEG END), or (nil nil)."
  (if (use-region-p) (list (region-beginning) (region-end)) (list nil nil)))

(defun specedit--warm-at (beg end)
  "Ask the server for the code actions at BEG..END (or point) and drop them.
The server then prefills the prompt of an edit there, as it does at every
code action request, while the user types the instruction."
  (let ((server (eglot-current-server)))
    (when (and server (cl-typep server 'specedit-eglot-server))
      (specedit--flush-changes (current-buffer))
      (jsonrpc-async-request server :textDocument/codeAction
                             (list :textDocument (eglot--TextDocumentIdentifier)
                                   :range (or (specedit--range beg end) (specedit--range (point) (point)))
                                   :context (list :diagnostics []))
                             :success-fn #'ignore :error-fn #'ignore :timeout-fn #'ignore))))

;;;###autoload
(defun specedit-edit (instruction &optional beg end)
  "Apply INSTRUCTION to the region BEG..END, or to the syntax node at point.
With BEG and END both `point-min' and `point-max', the whole buffer."
  (interactive (let ((region (specedit--region)))
                 (apply #'specedit--warm-at region)
                 (cons (read-string "AI edit: ") region)))
  (when (string-empty-p (string-trim instruction))
    (user-error "Empty instruction"))
  (specedit-execute "specedit.edit"
                    (list :uri (specedit--uri)
                          :instruction (string-trim instruction)
                          ;; An empty range at point: the server edits the enclosing node.
                          :range (or (specedit--range beg end) (specedit--range (point) (point))))))

;;;###autoload
(defun specedit-edit-from-comment (&optional beg end)
  "Apply the `ai:' directive comment in the region BEG..END (or near point)."
  (interactive (specedit--region))
  (let ((argument (list :uri (specedit--uri))))
    (when-let ((range (specedit--range beg end)))
      (setq argument (plist-put argument :range range)))
    (specedit-execute "specedit.editFromComment" argument)))

;;;###autoload
(defun specedit-rename (new-name)
  "Rename the symbol at point to NEW-NAME; the model updates what refers to it.
An empty NEW-NAME lets the model propose one."
  (interactive
   (list (read-string (format "Rename `%s' with AI to: " (or (thing-at-point 'symbol t) ""))
                      nil nil (thing-at-point 'symbol t))))
  (let ((argument (list :uri (specedit--uri) :position (specedit--position))))
    (unless (string-empty-p (string-trim new-name))
      (setq argument (plist-put argument :newName (string-trim new-name))))
    (specedit-execute "specedit.rename" argument)))

;;;###autoload
(defun specedit-cancel (&optional all)
  "Cancel this buffer's AI edits; with prefix argument ALL, every job."
  (interactive "P")
  (specedit-execute "specedit.cancel" (if all (make-hash-table) (list :uri (specedit--uri)))))

;;;###autoload
(defun specedit-undo ()
  "Revert this buffer's last AI edit in one step.
The server refuses if the text the edit wrote was changed since."
  (interactive)
  (specedit-execute "specedit.undo" (list :uri (specedit--uri))))

(provide 'specedit)
;;; specedit.el ends here
