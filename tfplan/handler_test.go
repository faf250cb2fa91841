package tfplan

import "testing"

// TestModelledTypes checks that ModelledTypes (the documented list) and
// the handlers agree.
func TestModelledTypes(t *testing.T) {
	types := ModelledTypes()
	if len(types) != 41 {
		t.Errorf("%d modelled types", len(types))
	}
	for i, typ := range types {
		if handlerFor(typ) == nil {
			t.Errorf("%s is listed but has no handler", typ)
		}
		if i > 0 && types[i-1] >= typ {
			t.Errorf("ModelledTypes is not sorted at %s", typ)
		}
	}
	for _, typ := range []string{"aws_vpc", "aws_iam_access_key", "aws_s3_bucket_versioning", "random_id"} {
		if handlerFor(typ) != nil {
			t.Errorf("%s has a handler but is not listed", typ)
		}
	}
}
