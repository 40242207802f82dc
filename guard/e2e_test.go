package guard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// receiver serves g's Universal Logout receiver on a loopback server and
// returns its endpoint.
func receiver(t *testing.T, g *guard.Guard) string {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	endpoint := srv.URL + "/okta/universal-logout"
	mux.Handle("POST /okta/universal-logout", g.UniversalLogout(endpoint))
	// The same receiver at another path: tokens for that URL are not for it.
	mux.Handle("POST /other", g.UniversalLogout(endpoint))
	return endpoint
}

func TestUniversalLogoutFromTheFake(t *testing.T) {
	clock := oktatest.NewFakeClock(start)
	srv, err := oktatest.NewInProcess(oktatest.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	g, err := guard.New(okta.NewAPIClient(srv.Config()), guard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	endpoint := receiver(t, g)
	ctx := context.Background()

	id, err := srv.SeedSession(oktatest.SessionSeed{User: alice})
	if err != nil {
		t.Fatal(err)
	}
	mustCheck(t, g, id)
	code, err := srv.SendUniversalLogout(ctx, endpoint, "ALICE@example.com")
	if err != nil || code != http.StatusNoContent {
		t.Fatalf("SendUniversalLogout: %d, %v", code, err)
	}
	mustRefuse(t, g, id, guard.ReasonRevoked)

	// iss_sub under sub_id, after a key rotation a minute later.
	clock.Advance(time.Minute)
	srv.RotateSigningKey()
	bob := oktatest.User{ID: "00ubob0000000000000", Login: "bob@example.com"}
	bobs, _ := srv.SeedSession(oktatest.SessionSeed{User: bob})
	mustCheck(t, g, bobs)
	code, err = srv.SendUniversalLogoutRequest(ctx, oktatest.UniversalLogout{
		Endpoint: endpoint, SubjectField: "sub_id",
		Subject: oktatest.LogoutSubject{Format: oktatest.SubjectIssSub, Iss: srv.URL, Sub: bob.ID},
	})
	if err != nil || code != http.StatusNoContent {
		t.Fatalf("SendUniversalLogoutRequest: %d, %v", code, err)
	}
	mustRefuse(t, g, bobs, guard.ReasonRevoked)

	// A session alice creates afterwards works.
	clock.Advance(time.Minute)
	fresh, _ := srv.SeedSession(oktatest.SessionSeed{User: alice})
	mustCheck(t, g, fresh)

	// A token for another endpoint is refused.
	other := endpoint[:len(endpoint)-len("/okta/universal-logout")] + "/other"
	if code, err := srv.SendUniversalLogout(ctx, other, "alice@example.com"); code != http.StatusUnauthorized {
		t.Fatalf("a request for another endpoint: %d, %v, want 401", code, err)
	}
}
