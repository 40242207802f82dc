package guard_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// claimsOf returns valid Universal Logout claims of o.
func claimsOf(o *org) jwt.Claims {
	now := o.clock.Now()
	return jwt.Claims{Issuer: o.srv.URL, Audience: jwt.Audience{endpoint}, ID: fmt.Sprint("x", jtiSeq.Add(1)),
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Minute))}
}

func TestUniversalLogoutAlgorithmConfusion(t *testing.T) {
	// Every way to sign (or not) a token other than RS256 with the org's
	// key of that kid, in compact serialization, is refused.
	o := newOrg(t)
	pub := testKey(t, 0).Public()
	der, _ := x509.MarshalPKIXPublicKey(pub)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	jwkJSON, _ := json.Marshal(jose.JSONWebKey{Key: pub, KeyID: "k1", Algorithm: "RS256", Use: "sig"})
	pkcs1 := x509.MarshalPKCS1PublicKey(testKey(t, 0).Public().(*rsa.PublicKey))
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sign := func(t *testing.T, alg jose.SignatureAlgorithm, key any, opts *jose.SignerOptions, full bool) string {
		t.Helper()
		if opts == nil {
			opts = &jose.SignerOptions{}
		}
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts.WithHeader("kid", "k1"))
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(claimsOf(o))
		obj, err := s.Sign(payload)
		if err != nil {
			t.Fatal(err)
		}
		if full {
			return obj.FullSerialize()
		}
		out, _ := obj.CompactSerialize()
		return out
	}
	cases := map[string]func(t *testing.T) string{
		"HS256 keyed with the PEM": func(t *testing.T) string { return sign(t, jose.HS256, pemBytes, nil, false) },
		"HS256 keyed with the JWK": func(t *testing.T) string { return sign(t, jose.HS256, jwkJSON, nil, false) },
		"HS256 keyed with PKCS #1": func(t *testing.T) string { return sign(t, jose.HS256, pkcs1, nil, false) },
		"HS384 keyed with the DER": func(t *testing.T) string { return sign(t, jose.HS384, der, nil, false) },
		"RS384":                    func(t *testing.T) string { return sign(t, jose.RS384, testKey(t, 0), nil, false) },
		"PS256":                    func(t *testing.T) string { return sign(t, jose.PS256, testKey(t, 0), nil, false) },
		"ES256 embedded jwk": func(t *testing.T) string {
			return sign(t, jose.ES256, ec, &jose.SignerOptions{EmbedJWK: true}, false)
		},
		"RS256 embedded jwk of another key": func(t *testing.T) string {
			return sign(t, jose.RS256, testKey(t, 1), &jose.SignerOptions{EmbedJWK: true}, false)
		},
		"RS256 JSON serialization": func(t *testing.T) string { return sign(t, jose.RS256, testKey(t, 0), nil, true) },
		"RS256 crit": func(t *testing.T) string {
			return sign(t, jose.RS256, testKey(t, 0), (&jose.SignerOptions{}).WithHeader("crit", []string{"exp"}).WithHeader("exp", 1), false)
		},
		"JWE": func(t *testing.T) string {
			enc, err := jose.NewEncrypter(jose.A128GCM, jose.Recipient{Algorithm: jose.RSA_OAEP, Key: pub, KeyID: "k1"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			obj, _ := enc.Encrypt(mustJSON(t, claimsOf(o)))
			s, _ := obj.CompactSerialize()
			return s
		},
		"empty kid": func(t *testing.T) string {
			s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: testKey(t, 0)}, nil)
			obj, _ := s.Sign(mustJSON(t, claimsOf(o)))
			out, _ := obj.CompactSerialize()
			return out
		},
	}
	// The same helper, signing RS256 with the org's key, is accepted: the
	// refusals below are the receiver's, not a broken token's.
	if w := o.send(o.guard(t, guard.Options{}), "Bearer "+sign(t, jose.RS256, testKey(t, 0), nil, false), aliceBody); w.Code != http.StatusNoContent {
		t.Fatalf("RS256 with the org's key: status %d, want 204", w.Code)
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			g := o.guard(t, guard.Options{})
			if w := o.send(g, "Bearer "+tok(t), aliceBody); w.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", w.Code)
			}
		})
	}
}

func TestUniversalLogoutClaimsOfTheWrongType(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	for name, extra := range map[string]map[string]any{
		"exp string": {"exp": "9999999999"},
		"iss array":  {"iss": []string{o.srv.URL}},
		"aud number": {"aud": 1},
		"jti number": {"jti": 5},
	} {
		tok := o.token(t, func(lt *logoutToken) { lt.extra = extra })
		if w := o.send(g, "Bearer "+tok, aliceBody); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, w.Code)
		}
	}
}

func TestCheckErrorsAndLogsHoldNoSessionID(t *testing.T) {
	// Whatever goes wrong with GetSession, neither Check's error (%v, %+v,
	// %#v, its cause) nor the client's log records (JSON or text, Debug)
	// hold the session id or a part of it.
	faults := map[string]oktatest.Fault{
		"timeout":   {Route: oktatest.RouteGetSession, Latency: time.Second},
		"dropped":   {Route: oktatest.RouteGetSession, Drop: true},
		"malformed": {Route: oktatest.RouteGetSession, Body: oktatest.BodyMalformed},
		"503":       {Route: oktatest.RouteGetSession, Status: 503},
		"429":       {Route: oktatest.RouteGetSession, Status: 429},
		"400":       {Route: oktatest.RouteGetSession, Status: 400},
	}
	for name, f := range faults {
		for _, text := range []bool{false, true} {
			t.Run(fmt.Sprint(name, text), func(t *testing.T) {
				o := newOrg(t)
				var logs bytes.Buffer
				cfg := o.config()
				cfg.AttemptTimeout = 5 * time.Millisecond
				if text {
					cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				} else {
					cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				}
				g, err := guard.New(okta.NewAPIClient(cfg), guard.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				id := o.session(t, alice)
				o.srv.InjectFault(f)
				_, err = g.Check(context.Background(), id)
				if err == nil {
					t.Fatal("no error")
				}
				out := fmt.Sprintf("%v %+v %#v %s", err, err, err, logs.String())
				var se *guard.SessionError
				if errorsAs(err, &se) && se.Err != nil {
					out += fmt.Sprintf("%#v %+v", se.Err, se.Err)
				}
				for _, s := range []string{id, id[:12], id[len(id)-12:]} {
					if strings.Contains(out, s) {
						t.Fatalf("the error or a log record holds %q: %s", s, out)
					}
				}
			})
		}
	}
}

func TestRevocationRace64EveryRevoker(t *testing.T) {
	// 64 goroutines Check while the fake clock moves past MaxStale (so that
	// questions are in flight) and one revokes: no Check begun after the
	// revocation returned lets a revoked session through.
	for _, rv := range revokers {
		t.Run(rv.name, func(t *testing.T) {
			o := newOrg(t)
			o.srv.SeedUser(alice)
			g := o.guard(t, guard.Options{MaxStale: time.Second})
			ids := make([]string, 8)
			for i := range ids {
				ids[i] = o.session(t, alice)
			}
			for _, id := range ids {
				mustCheck(t, g, id)
			}
			var revoked atomic.Bool
			var leaks atomic.Int64
			parallel(64, func(i int) {
				switch i {
				case 0:
					time.Sleep(time.Millisecond)
					rv.revoke(t, o, g, ids[0])
					revoked.Store(true)
					return
				case 1:
					for range 20 {
						o.clock.Advance(300 * time.Millisecond)
					}
					return
				}
				for j := range 100 {
					after := revoked.Load()
					id := ids[(i+j)%len(ids)]
					if rv.name == "EndSession" {
						id = ids[0]
					}
					_, err := g.Check(context.Background(), id)
					if after && err == nil {
						leaks.Add(1)
					}
				}
			})
			if n := leaks.Load(); n != 0 {
				t.Fatalf("%d Checks begun after the revocation let a revoked session through", n)
			}
		})
	}
}
