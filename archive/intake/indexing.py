"""Stage index_text of an ingest run: extracted records are indexed in batches (INDEX_BATCH records, or
every INDEX_SECONDS), each record's state becomes `indexed` after the index commit, and a record the
index refuses is deferred alone while the rest of its batch goes on."""
from __future__ import annotations

import logging
import time

from archive.store import catalog
from archive.store.textstore import index_doc
from indexer import IndexBusyError, open_index

log = logging.getLogger(__name__)


class IndexStage:
    """Mixed into the ingest run (archive.intake.ingest._Run), whose settings, conn, claims, report,
    pending_index, stage(), defer() and tick() it uses."""

    def open_index(self):
        if self.index is None:

            self.index = open_index(self.settings.index_dir, self.settings.index_backend, url=self.settings.catalog_url)
        return self.index

    def flush_index(self) -> None:
        if not self.pending_index:
            return
        batch, self.pending_index = self.pending_index, []
        self.last_flush = time.monotonic()
        try:
            self._index(batch)
        except IndexBusyError:
            raise
        except Exception:   # find the document the index refused; the others go on
            log.warning("写入索引出错，逐件重试", exc_info=True)
            self._rollback()
            for one in batch:
                try:
                    self._index([one])
                except IndexBusyError:
                    raise
                except Exception as e:
                    log.warning("%s 未能写入索引", one[0].name, exc_info=True)
                    self._rollback()
                    self.defer(one[0], "index_text", f"未能写入全文索引（{type(e).__name__}）")

    def _rollback(self) -> None:
        try:
            self.open_index().rollback()
        except Exception:
            log.debug("索引回滚失败", exc_info=True)

    def _index(self, batch: list) -> None:
        with self.stage("index_text"):
            idx = self.open_index()
            docs = []
            for job, pages in batch:
                rec = catalog.record(self.conn, job.record_id)
                docs.append(index_doc(rec, pages))
            ids = [j.record_id for j, _ in batch]
            idx.delete(ids)
            idx.add(docs)
            idx.commit()
            with catalog.transaction(self.conn):
                for job, pages in batch:
                    self.conn.execute("UPDATE records SET state='indexed' WHERE id=?", (job.record_id,))
                    catalog.log_event(self.conn, "ingest.index_text", job.record_id)
        for job, pages in batch:
            job.flushed = True
            self.claims.release(job.sha256)
            self.report.pages += len(pages)
            if job.report:
                rec = self.conn.execute("SELECT text_source FROM records WHERE id=?", (job.record_id,)).fetchone()
                self.report.ingested.append({"original_name": job.name, "sha256": job.sha256,
                                             "record_id": job.record_id, "pages": len(pages),
                                             "text_source": rec["text_source"]})
                for d in job.dup_names:
                    self.report.duplicates.append({"original_name": d, "sha256": job.sha256,
                                                   "record_id": job.record_id})
            self.tick()

