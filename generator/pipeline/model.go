package pipeline

import (
	"log/slog"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Model loads the snapshots and content/ of site.yaml and builds the document model from them,
// as Run does, without rendering anything: for the exports that read the model (AsyncAPI,
// Backstage). The snapshots are returned in the model's cluster order, normalized.
func Model(cfg *config.Site, log *slog.Logger) (*site.Site, []*snapshot.Snapshot, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	snaps, _, err := loadSnapshots(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	content, _, err := loadContent(cfg)
	if err != nil {
		return nil, nil, err
	}
	model, err := site.BuildEstate(cfg.Title, snaps, content, estate(cfg))
	if err != nil {
		return nil, nil, err
	}
	return model, snaps, nil
}
