package aws

// DynamoDBListTablesOutput is the output of aws dynamodb list-tables (one
// region; give "Region" beside it).
type DynamoDBListTablesOutput struct {
	TableNames             []string `json:"TableNames"`
	LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
}

func (c *converter) dynamoDB(r *Resources) error {
	for _, o := range r.DynamoDBTables {
		for j, name := range o.Value.TableNames {
			l := o.loc().in("TableNames", j, "table", name)
			if name == "" {
				return l.bad("table name is empty")
			}
			region := c.regionOf(o.Region)
			if region == "" {
				c.noRegion(l, "dynamodb table "+name)
				continue
			}
			if _, err := c.resource(l, resourceSpec{
				arn: c.arn("dynamodb", region, c.account, "table/"+name), name: name, service: "dynamodb", typ: "table",
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
