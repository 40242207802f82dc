package redisstore_test

import (
	"fmt"
	"log"
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
