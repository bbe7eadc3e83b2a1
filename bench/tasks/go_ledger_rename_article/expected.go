// Post adds a posting to the ledger after checking that the posting names an
// account and moves a non-zero amount.
func (l *Ledger) Post(posting Entry) error {
	if strings.TrimSpace(posting.Account) == "" {
		return fmt.Errorf("%w: entry has no account", ErrInvalid)
	}
	if posting.Cents == 0 {
		return fmt.Errorf("%w: entry for %s moves nothing", ErrInvalid, posting.Account)
	}
	l.entries = append(l.entries, posting)
	return nil
}
