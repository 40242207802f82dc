package okta

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSession_decodeDocumentedExample(t *testing.T) {
	var s Session
	require.NoError(t, json.Unmarshal([]byte(sessionJSON), &s))
	ts := func(v string) time.Time { t, _ := time.Parse(time.RFC3339, v); return t }
	pwd := ts("2015-08-30T18:41:35.818Z")
	assert.Equal(t, Session{
		Id:                       "101W_juydrDRByB7fUdRyE2JQ",
		Login:                    "user@example.com",
		UserId:                   "00ubgaSARVOQDIOXMORI",
		Status:                   SessionStatusActive,
		CreatedAt:                ts("2015-08-30T16:41:35.818Z"),
		ExpiresAt:                ts("2015-08-30T18:41:35.818Z"),
		LastPasswordVerification: &pwd,
		Amr:                      []SessionAuthenticationMethod{SessionAuthenticationMethodPassword, SessionAuthenticationMethodOneTimePassword, SessionAuthenticationMethodMultifactor},
		Idp:                      &SessionIdentityProvider{Id: "00oi5cpnylv792IcF0g3", Type: SessionIdentityProviderTypeOkta},
		MfaActive:                true,
		Links: &SessionLinks{
			Self:    &HrefObject{Href: "https://example.okta.com/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ", Hints: &HrefHints{Allow: []string{"GET", "DELETE"}}},
			Refresh: &HrefObject{Href: "https://example.okta.com/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ/lifecycle/refresh", Hints: &HrefHints{Allow: []string{"POST"}}},
			User:    &HrefObject{Name: "Isaac Brock", Href: "https://example.okta.com/api/v1/users/00ubgaSARVOQDIOXMORI", Hints: &HrefHints{Allow: []string{"GET"}}},
		},
	}, s)
}

func TestSession_lastFactorVerificationPresentOrAbsent(t *testing.T) {
	var s Session
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","lastFactorVerification":"2020-01-02T03:04:05.000Z"}`), &s))
	require.NotNil(t, s.LastFactorVerification)
	assert.Equal(t, 2020, s.LastFactorVerification.Year())
	s = Session{}
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x"}`), &s))
	assert.Nil(t, s.LastFactorVerification)
}

func TestSession_TimeLeft(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, 90*time.Minute, Session{ExpiresAt: now.Add(90 * time.Minute)}.TimeLeft(now))
	assert.Zero(t, Session{ExpiresAt: now.Add(-time.Second)}.TimeLeft(now))
	assert.Zero(t, Session{}.TimeLeft(now))
}

func TestSession_IsActive(t *testing.T) {
	assert.True(t, Session{Status: SessionStatusActive}.IsActive())
	assert.False(t, Session{Status: SessionStatusMFARequired}.IsActive())
	assert.False(t, Session{}.IsActive())
}

func TestEnums_IsKnown(t *testing.T) {
	for _, m := range []string{"pwd", "swk", "hwk", "otp", "sms", "tel", "geo", "fpt", "kba", "mfa", "mca", "sc"} {
		assert.True(t, SessionAuthenticationMethod(m).IsKnown(), m)
	}
	assert.False(t, SessionAuthenticationMethod("opt").IsKnown())
	for _, v := range []string{"ACTIVE_DIRECTORY", "FEDERATION", "LDAP", "OKTA", "SOCIAL"} {
		assert.True(t, SessionIdentityProviderType(v).IsKnown(), v)
	}
	for _, v := range []string{"ACTIVE", "MFA_ENROLL", "MFA_REQUIRED"} {
		assert.True(t, SessionStatus(v).IsKnown(), v)
	}
	assert.False(t, SessionStatus("active").IsKnown())
}

func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		name   string
		header map[string][]string
		want   RateLimit
		ok     bool
	}{
		{"all three", map[string][]string{"X-Rate-Limit-Limit": {"750"}, "X-Rate-Limit-Remaining": {"749"}, "X-Rate-Limit-Reset": {"1609459200"}},
			RateLimit{750, 749, time.Unix(1609459200, 0).UTC()}, true},
		{"concurrency", map[string][]string{"X-Rate-Limit-Limit": {"0"}, "X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"1609459200"}},
			RateLimit{0, 0, time.Unix(1609459200, 0).UTC()}, true},
		{"duplicate reset: earliest valid", map[string][]string{"X-Rate-Limit-Limit": {"600"}, "X-Rate-Limit-Remaining": {"3"}, "X-Rate-Limit-Reset": {"1609459260", "junk", "1609459200, -5"}},
			RateLimit{600, 3, time.Unix(1609459200, 0).UTC()}, true},
		{"missing reset", map[string][]string{"X-Rate-Limit-Limit": {"600"}, "X-Rate-Limit-Remaining": {"3"}}, RateLimit{}, false},
		{"garbage", map[string][]string{"X-Rate-Limit-Limit": {"many"}, "X-Rate-Limit-Remaining": {"3"}, "X-Rate-Limit-Reset": {"1"}}, RateLimit{}, false},
		{"none", nil, RateLimit{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseRateLimit(&http.Response{Header: tt.header})
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	_, ok := ParseRateLimit(nil)
	assert.False(t, ok)
	assert.True(t, RateLimit{Reset: time.Unix(1, 0)}.IsConcurrencyLimit())
	assert.False(t, RateLimit{Limit: 600, Reset: time.Unix(1, 0)}.IsConcurrencyLimit())
}
