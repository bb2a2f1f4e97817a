package site

// The ACLs page of a cluster (clusters/<c>/acls): its access control entries and client quotas
// as the snapshot recorded them, or why they could not be read. A section that could not be read
// is not an error of the cluster: without an authorizer there are no ACLs to list, and kdocs may
// simply not be allowed to describe them. The page says which.

import (
	"math"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/numfmt"
)

// TemplateACLs renders a cluster's ACLs page.
const TemplateACLs = "acls"

// ACLsData is a cluster's ACLs and quotas page. For each section, Recorded is false for a
// snapshot taken before kdocs read it; Available false with Reason when it could not be read.
type ACLsData struct {
	Cluster *Cluster

	ACLsRecorded, ACLsAvailable bool
	ACLsReason                  string
	ACLs                        []ACLRow // this part's
	// ACLsTotal counts the entries of every part; Pager is nil when the page is one. Quotas
	// are on the first part.
	ACLsTotal int
	Pager     *Pager

	QuotasRecorded, QuotasAvailable bool
	QuotasReason                    string
	Quotas                          []QuotaRow
}

// ACLRow is one access control entry. Resource links to the topic's or group's page when the
// entry names one literally and the snapshot has it.
type ACLRow struct {
	Principal    string
	Host         string
	Operation    string
	Permission   string
	ResourceType string
	PatternType  string
	Resource     Link
}

// QuotaRow is the quotas of one entity.
type QuotaRow struct {
	// Entity says whom the quotas apply to: "user alice, client-id billing", "default user".
	Entity string
	Values []QuotaSetting
}

// QuotaSetting is one quota: its key (producer_byte_rate …) and value written for reading.
type QuotaSetting struct {
	Key   string
	Value string
}

// buildACLs makes the ACLs page's data; topicPath and groupPath give the pages to link.
func buildACLs(c *Cluster, snap *snapshot.Snapshot, topicPath, groupPath map[string]string) *ACLsData {
	d := &ACLsData{Cluster: c}
	if a := snap.ACLs; a != nil {
		d.ACLsRecorded, d.ACLsAvailable, d.ACLsReason = true, a.Available, a.Reason
		for _, e := range a.Entries {
			row := ACLRow{Principal: e.Principal, Host: e.Host, Operation: e.Operation, Permission: e.Permission,
				ResourceType: e.ResourceType, PatternType: e.PatternType, Resource: Link{Title: e.ResourceName}}
			if e.PatternType == "LITERAL" {
				switch e.ResourceType {
				case "TOPIC":
					row.Resource.Path = topicPath[e.ResourceName]
				case "GROUP":
					row.Resource.Path = groupPath[e.ResourceName]
				}
			}
			d.ACLs = append(d.ACLs, row)
		}
	}
	if q := snap.Quotas; q != nil {
		d.QuotasRecorded, d.QuotasAvailable, d.QuotasReason = true, q.Available, q.Reason
		for _, e := range q.Entries {
			row := QuotaRow{Entity: quotaEntity(e.Entity)}
			for _, v := range e.Values {
				row.Values = append(row.Values, QuotaSetting{Key: v.Key, Value: quotaValue(v.Value)})
			}
			d.Quotas = append(d.Quotas, row)
		}
	}
	return d
}

// pages splits the ACLs page into parts of PerPage entries.
func (d *ACLsData) pages(first *Page) []*Page {
	acls := d.ACLs
	return paginate(first, len(acls), PerPage, func(lo, hi int, pg *Pager) any {
		part := *d
		part.ACLs, part.ACLsTotal, part.Pager = acls[lo:hi], len(acls), pg
		if pg != nil && pg.Part > 1 {
			part.Quotas = nil
		}
		return &part
	})
}

// quotaEntity writes an entity as Kafka's tools name it: "user alice, client-id billing".
func quotaEntity(parts []snapshot.QuotaEntity) string {
	var out []string
	for _, p := range parts {
		if p.Default {
			out = append(out, "default "+p.Type)
		} else {
			out = append(out, p.Type+" "+p.Name)
		}
	}
	return strings.Join(out, ", ")
}

// quotaValue writes whole numbers with thousands separators (byte rates) and others as they are
// (request_percentage 12.5).
func quotaValue(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return numfmt.Thousands(int64(v))
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
