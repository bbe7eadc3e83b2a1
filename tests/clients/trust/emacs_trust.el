;;; emacs_trust.el --- batch Emacs for the trust test  -*- lexical-binding: t; -*-

;; specedit.el with no `specedit-server-command', as a user would have it: opens
;; SPECEDIT_FILE, connects eglot, records which of the project's programs ran
;; (SPECEDIT_MARKERS) and the server's command; then calls SPECEDIT_THEN (a
;; command, e.g. specedit-trust-project) and records the same again; writes the
;; JSON report to SPECEDIT_RESULT.  Customizations (`trusted-content') are saved
;; to and loaded from SPECEDIT_CUSTOM_FILE, as an init file would; the answers of
;; an Emacs without `trusted-content' live in SPECEDIT_TRUST_FILE.  With
;; SPECEDIT_WITHOUT_TRUSTED_CONTENT set, this Emacs acts as one from before
;; `trusted-content' (Emacs 30, or Debian's 28.2 security update) existed.

(require 'json)
(require 'specedit)

(when (getenv "SPECEDIT_WITHOUT_TRUSTED_CONTENT")
  (fmakunbound 'trusted-content-p))
;; As a session that loaded its init file (batch Emacs loads none, and then saves no customizations).
(setq custom-file (getenv "SPECEDIT_CUSTOM_FILE")
      user-init-file custom-file)
(when (file-exists-p custom-file)
  (load custom-file))
(setq specedit-trust-file (getenv "SPECEDIT_TRUST_FILE")
      eglot-sync-connect t
      eglot-connect-timeout 60
      make-backup-files nil)

(defvar specedit-test--phases nil)

(defun specedit-test--wait (predicate seconds)
  "Process output until PREDICATE is non-nil or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun specedit-test--server (&optional previous)
  "This buffer's specedit server once it is up, other than PREVIOUS."
  (let ((server (eglot-current-server)))
    (and server (not (eq server previous)) (jsonrpc-running-p server) server)))

(defun specedit-test--phase (name &optional previous)
  "Wait for a server (not PREVIOUS), record phase NAME, return the server."
  (specedit-test--wait (lambda () (specedit-test--server previous)) 60)
  (let ((server (specedit-test--server previous)))
    (push (list :name name
                :attached (if server t :json-false)
                :command (and server (vconcat (process-command (jsonrpc--process server))))
                :ran (vconcat (directory-files (getenv "SPECEDIT_MARKERS") nil "\\`[^.]")))
          specedit-test--phases)
    server))

(defun specedit-test--finish (error)
  (with-temp-file (getenv "SPECEDIT_RESULT")
    (insert (json-encode (list :phases (vconcat (reverse specedit-test--phases)) :error error))))
  (kill-emacs 0))

(condition-case err
    (progn
      (find-file (getenv "SPECEDIT_FILE"))
      (apply #'eglot (eglot--guess-contact))
      (let ((first (specedit-test--phase "start"))
            (then (getenv "SPECEDIT_THEN")))
        (when (and then (not (string-empty-p then)))
          (funcall (intern then))
          (specedit-test--phase (concat "after " then) first)))
      (specedit-test--finish nil))
  (error (specedit-test--finish (format "%S" err))))
