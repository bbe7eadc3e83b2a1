// Balance returns the sum of the postings to account, in cents.
func (l *Ledger) Balance(account string) int64 {
	var sum int64
	for _, e := range l.entries {
		if e.Account == account {
			sum += e.Cents
		}
	}
	return sum
}

// TopAccounts returns the n accounts with the largest totals, largest first.
func (l *Ledger) TopAccounts(n int) []AccountTotal {
	sums := map[string]int64{}
	for _, e := range l.entries {
		sums[e.Account] += e.Cents
	}
	totals := make([]AccountTotal, 0, len(sums))
	for account, cents := range sums {
		totals = append(totals, AccountTotal{Account: account, Cents: cents})
	}
	sort.Slice(totals, func(i, j int) bool {
		return totals[i].Cents > totals[j].Cents
	})
	if n < len(totals) {
		totals = totals[:n]
	}
	return totals
}

// ParseEntry parses a line of the form account;cents;memo into an Entry.
// Surrounding spaces are trimmed from each field.
func ParseEntry(line string) (Entry, error) {
	fields := strings.Split(line, ";")
	if len(fields) != 3 {
		return Entry{}, fmt.Errorf("%w: want account;cents;memo, got %q", ErrInvalid, line)
	}
	cents, err := strconv.ParseInt(strings.TrimSpace(fields[1]), 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: bad amount %q: %v", ErrInvalid, fields[1], err)
	}
	return Entry{Account: strings.TrimSpace(fields[0]), Cents: cents, Memo: strings.TrimSpace(fields[2])}, nil
}
