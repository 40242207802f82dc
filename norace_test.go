//go:build !race

package okta

// allocSlack is how far two allocation counts may differ and still be taken
// as equal: without the race detector, not at all.
const allocSlack = 0.5
