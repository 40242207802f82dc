package redisstore_test

import (
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/redisstore"
	"github.com/redis/go-redis/v9"
)

// Each replica of a service makes its guard with a store on the same Redis
// and key prefix; they then share Okta's answers and every revocation. (Not
// run: it needs a Redis at redis:6379.)
func Example() {
	cfg, err := okta.LoadConfiguration() // ~/.okta/okta.yaml, ./.okta.yaml, then OKTA_CLIENT_* variables
	if err != nil {
		log.Fatal(err)
	}
	client := okta.NewAPIClient(cfg)
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"redis:6379"}, ContextTimeoutEnabled: true})
	store := redisstore.New(rdb, "myapp") // the prefix of every key; replicas of one app share it
	defer store.Close()                   // after the guard; rdb stays yours to close
	g, err := guard.New(client, guard.Options{Store: store, MaxStale: 20 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()
	http.Handle("/account", g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := guard.SessionFrom(r.Context())
		fmt.Fprintln(w, "signed in as", s.Login)
	})))
}

// New makes a store on a go-redis client; its options bound each Redis call,
// set how often a store that lost Redis tries again, and where it says so.
// (Not run: it needs a Redis at redis:6379.)
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()
	store := redisstore.New(rdb, "myapp",
		redisstore.WithTimeout(100*time.Millisecond), // each Redis call; then the guard asks Okta itself
		redisstore.WithRetry(time.Second),            // how often a store that lost Redis tries it again
		redisstore.WithLogger(slog.Default()),        // one Warn when Redis is lost, one Info when it is back
	)
	defer store.Close()
}
