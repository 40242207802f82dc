package oktatest

import "crypto/rand"

// Okta's IDs are a three-character prefix and base62-like characters.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newID returns prefix followed by n random characters.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return prefix + string(b)
}

// The shapes of the IDs the server mints, after Okta's.
func newSessionID() string    { return newID("102", 22) }   // 102hT2vn7f4Y...
func newUserID() string       { return newID("00u", 17) }   // 00ubgaSARVOQDIOXMORI
func newOrgID() string        { return newID("00o", 17) }   // 00oi5cpnylv792IcF0g3
func newRequestID() string    { return newID("req", 23) }   // reqVy8wsvmBQN27h4soUE3ZEnA
func newErrorID() string      { return newID("oae", 22) }   // oaeHfmOAx1iRLa0H10DeMz5fQ
func newSessionToken() string { return newID("20111", 37) } // 20111Ws1...
func newIdPID() string        { return newID("0oa", 17) }   // 0oa62bfdiumsUndnZ0h7
