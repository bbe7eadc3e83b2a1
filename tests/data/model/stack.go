package stack

import "errors"

// Stack is a last-in, first-out list of integers.
type Stack struct {
	values []int
}

// Push adds v on top of the stack.
func (s *Stack) Push(v int) {
	s.values = append(s.values, v)
}

// Pop removes and returns the top value.
func (s *Stack) Pop() (int, error) {
	if len(s.values) == 0 {
		return 0, errors.New("empty stack")
	}
	top := s.values[len(s.values)-1]
	s.values = s.values[:len(s.values)-1]
	return top, nil
}

// Len is the number of values on the stack.
func (s *Stack) Len() int {
	return len(s.values)
}
