//go:build tools

// Keeps h2spec's module in go.mod; tests/h2spec/h2spec.sh builds its command.
package tools

import _ "github.com/summerwind/h2spec/cmd/h2spec"
