;;; emacs_run.el --- batch Emacs harness for tests/clients  -*- lexical-binding: t; -*-

;; Opens SPECEDIT_FILE, connects eglot to specedit (through the registration in
;; editors/emacs/specedit.el), runs `specedit-rename' at SPECEDIT_CURSOR ("line,col",
;; 1-based line, 0-based column) to SPECEDIT_NEW_NAME, waits for specedit/jobDone,
;; saves, and writes a JSON report to SPECEDIT_RESULT.

(require 'json)
(require 'specedit)

(defvar specedit-test--done nil)
(defvar specedit-test--report nil)

(defun specedit-test--finish (code)
  "Write the report and exit with CODE."
  (let ((report (append (list :text (buffer-substring-no-properties (point-min) (point-max))
                              :jobDone specedit-test--done)
                        specedit-test--report)))
    (with-temp-file (getenv "SPECEDIT_RESULT")
      (insert (json-encode report))))
  (kill-emacs code))

(defun specedit-test--wait (predicate seconds)
  "Process server output until PREDICATE is non-nil or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(setq specedit-server-command (list (getenv "SPECEDIT_EXE") "serve")
      specedit-settings (json-parse-string (or (getenv "SPECEDIT_SETTINGS") "{}")
                                           :object-type 'plist)
      eglot-sync-connect t
      eglot-connect-timeout 60
      make-backup-files nil)
(add-hook 'specedit-job-done-functions (lambda (params) (setq specedit-test--done params)))

(find-file (getenv "SPECEDIT_FILE"))
(condition-case err
    (apply #'eglot (eglot--guess-contact))
  (error (setq specedit-test--report (list :error (format "eglot: %S" err)))
         (specedit-test--finish 3)))
(unless (specedit-test--wait (lambda () (and (bound-and-true-p eglot--managed-mode)
                                             (eglot-current-server)))
                             60)
  (setq specedit-test--report (list :error "eglot did not manage the buffer"))
  (specedit-test--finish 3))
(setq specedit-test--report
      (list :serverClass (symbol-name (eieio-object-class-name (eglot-current-server)))))

(let ((cursor (split-string (getenv "SPECEDIT_CURSOR") ",")))
  (goto-char (point-min))
  (forward-line (1- (string-to-number (car cursor))))
  (forward-char (string-to-number (cadr cursor))))

(condition-case err
    (setq specedit-test--report
          (append (list :started (specedit-rename (getenv "SPECEDIT_NEW_NAME")))
                  specedit-test--report))
  (error (setq specedit-test--report (list :error (format "rename: %S" err)))
         (specedit-test--finish 4)))

(unless (specedit-test--wait (lambda () specedit-test--done)
                             (string-to-number (or (getenv "SPECEDIT_TIMEOUT_S") "180")))
  (setq specedit-test--report (append (list :error "no specedit/jobDone") specedit-test--report))
  (specedit-test--finish 5))
(save-buffer)
(specedit-test--finish 0)
