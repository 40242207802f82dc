package oktatest

import (
	"errors"
	"net/http"
)

// rotateKey answers 200 with the new signing key's kid, {"kid"}; see
// RotateSigningKey.
func (ctl control) rotateKey(w http.ResponseWriter, _ *call) {
	writeJSON(w, http.StatusOK, map[string]string{"kid": ctl.s.RotateSigningKey()})
}

// universalLogout sends the Universal Logout request of the body (a
// UniversalLogout) and answers 200 with the status the endpoint answered,
// {"status"}; a request refused is 400 E0000001 naming the field, and an
// endpoint that could not be reached or did not answer is 502 E0000009 with
// the reason. See SendUniversalLogoutRequest.
func (ctl control) universalLogout(w http.ResponseWriter, c *call) {
	var req UniversalLogout
	if !decode(w, c, &req, true) {
		return
	}
	status, err := ctl.s.SendUniversalLogoutRequest(c.req.Context(), req)
	var le *LogoutError
	switch {
	case errors.As(err, &le):
		errValidation(le.Field + " " + le.Reason).write(w)
	case err != nil:
		oktaError{http.StatusBadGateway, errInternal.code, "The Universal Logout request failed: " + err.Error()}.write(w)
	default:
		writeJSON(w, http.StatusOK, map[string]int{"status": status})
	}
}
