//go:build race

package okta

// allocSlack is how far two allocation counts may differ and still be taken
// as equal. The race detector makes sync.Pool drop items at random, so a
// count under -race moves by an allocation from run to run.
const allocSlack = 1.5
