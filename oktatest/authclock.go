package oktatest

import (
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
)

// The time claims a client makes, a client assertion's iat, nbf and exp and
// a DPoP proof's iat, are judged by two clocks: the server's, and the wall
// clock. A client in the same process as a fake on a FakeClock tells time
// by that clock (Server.Config hands it over), and signs with the fake's
// time; a client elsewhere (okta-fake -fake-clock driven by a suite in
// another language, a service app configured from the environment) tells
// the wall clock's time, which falls behind the fake's as soon as a test
// advances it. A claim is taken when it holds, with the leeway, by either
// clock, so that moving the fake's clock never breaks a client's
// authentication. A jti is remembered until the JWT has expired by both
// clocks, so that no JWT can be replayed by the other clock.
//
// What the server decides, the expiry of the access tokens it issues, is by
// its own clock alone: advancing the clock past it is how a test expires a
// token. A client that presents such a token gets error="invalid_token",
// and a client that follows RFC 6750 (as okta-session-go does) fetches a new
// one, with an assertion of its own time.

// instant is a moment by the server's clock and by the wall clock.
type instant struct{ server, wall time.Time }

// instant returns the moment now.
func (a *AuthServer) instant() instant { return instant{a.clock.Now(), a.wall()} }

// within reports whether t is at most d from the time by either clock.
func (in instant) within(t time.Time, d time.Duration) bool {
	near := func(now time.Time) bool { return !t.Before(now.Add(-d)) && !t.After(now.Add(d)) }
	return near(in.server) || near(in.wall)
}

// past reports whether t has passed by both clocks.
func (in instant) past(t time.Time) bool { return in.server.After(t) && in.wall.After(t) }

// validate checks claims against e, with leeway, at the server's time or
// else the wall clock's, and returns the time they hold by.
func (in instant) validate(claims jwt.Claims, e jwt.Expected, leeway time.Duration) (time.Time, error) {
	e.Time = in.server
	if claims.ValidateWithLeeway(e, leeway) == nil {
		return in.server, nil
	}
	e.Time = in.wall
	return in.wall, claims.ValidateWithLeeway(e, leeway)
}
