;;; emacs_run.el --- batch Emacs harness for tests/clients  -*- lexical-binding: t; -*-

;; Opens SPECEDIT_FILE, connects eglot to specedit (through the registration in
;; editors/emacs/specedit.el), runs `specedit-rename' at SPECEDIT_CURSOR ("line,col",
;; 1-based line, 0-based column) to SPECEDIT_NEW_NAME (or, with SPECEDIT_INSTRUCTION,
;; M-x specedit-edit there, on the region to the end of line SPECEDIT_REGION_TO_LINE if
;; set), waits for specedit/jobDone, saves, and writes a JSON report to SPECEDIT_RESULT.

(require 'json)
(require 'seq)
(require 'specedit)

(defvar specedit-test--done nil)
(defvar specedit-test--logs nil "The server's window/logMessage texts, in order.")

(cl-defmethod eglot-handle-notification :before
  ((_server specedit-eglot-server) (_method (eql window/logMessage)) &key message &allow-other-keys)
  "Record MESSAGE for the report."
  (setq specedit-test--logs (append specedit-test--logs (list message))))
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
(when-let ((to-line (getenv "SPECEDIT_REGION_TO_LINE")))
  ;; The region from the cursor to the end of that line (1-based), active as after a selection.
  (transient-mark-mode 1)
  (push-mark (point) t t)
  (forward-line (- (string-to-number to-line) (line-number-at-pos)))
  (end-of-line))

(if-let ((typed (getenv "SPECEDIT_INSTRUCTION")))
    ;; M-x specedit-edit at the cursor (or region); the user types the instruction once the server
    ;; has logged a warm-up of the lines there (as a person typing takes seconds; 20 s at most).
    (cl-letf (((symbol-function 'read-string)
               (lambda (&rest _)
                 (let ((line (line-number-at-pos)))
                   (specedit-test--wait
                    (lambda ()
                      (seq-some (lambda (message)
                                  (and (string-match "warm-up: prefilled [0-9]+ prompt tokens for an edit of lines \\([0-9]+\\)-\\([0-9]+\\)" message)
                                       (<= (string-to-number (match-string 1 message)) line
                                           (string-to-number (match-string 2 message)))))
                                specedit-test--logs))
                    20))
                 (setq specedit-test--report (append (list :logsAtInput (vconcat specedit-test--logs))
                                                     specedit-test--report))
                 typed)))
      (condition-case err
          (setq specedit-test--report
                (append (list :started (call-interactively #'specedit-edit)) specedit-test--report))
        (error (setq specedit-test--report (list :error (format "edit: %S" err)))
               (specedit-test--finish 4))))
  (condition-case err
      (setq specedit-test--report
            (append (list :started (specedit-rename (getenv "SPECEDIT_NEW_NAME")))
                    specedit-test--report))
    (error (setq specedit-test--report (list :error (format "rename: %S" err)))
           (specedit-test--finish 4))))

(unless (specedit-test--wait (lambda () specedit-test--done)
                             (string-to-number (or (getenv "SPECEDIT_TIMEOUT_S") "180")))
  (setq specedit-test--report (append (list :error "no specedit/jobDone") specedit-test--report))
  (specedit-test--finish 5))
(save-buffer)
(specedit-test--finish 0)
