package providers

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRegions(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "", want: nil},
		{in: "all", want: []string{"all"}},
		{in: " all ", want: []string{"all"}},
		{in: "eu-west-1", want: []string{"eu-west-1"}},
		{in: "eu-west-1, us-east-1,", want: []string{"eu-west-1", "us-east-1"}},
		{in: "us-gov-west-1,cn-north-1", want: []string{"us-gov-west-1", "cn-north-1"}},
		{in: "eu-west-1,all", wantErr: "all cannot be combined"},
		{in: "mars", wantErr: `"mars" is not a region name`},
		{in: ",", wantErr: "names no region"},
	} {
		got, err := parseRegions(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseRegions(%q) error %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseRegions(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
