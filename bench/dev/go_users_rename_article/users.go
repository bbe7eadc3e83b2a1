package users

import "errors"

// ErrBanned is returned for a banned account.
var ErrBanned = errors.New("banned")

// User is one account of the forum.
type User struct {
	Name   string
	Banned bool
}

// Ban marks a user as banned; banning a user twice is an error.
func Ban(user *User) error {
	if user.Banned {
		return ErrBanned
	}
	user.Banned = true
	return nil
}
