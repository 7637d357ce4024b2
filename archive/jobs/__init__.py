"""Background jobs of the county server: long work (ingest of uploaded files, binding a volume,
generating documents with PDF) queued in the catalog's `jobs` table and run by one worker per root,
with state (queued / running / done / failed / interrupted), progress and a JSON result.

- ``submit_ingest`` ``submit_generate`` ``submit_bind``   queue a job (uploads saved under ROOT/uploads/JOBID/)
- ``get_job`` ``list_jobs`` ``restart_job``               look at jobs; queue an interrupted/failed one again
- ``start_worker`` ``stop_worker`` ``Worker``             the worker (a thread; one per root across processes)
"""
from .api import (
           get_job,
           list_jobs,
           restart_job,
           submit_bind,
           submit_generate,
           submit_ingest,
)
from .runners import files_dir, upload_dir
from .table import FINISHED, KINDS, STATES, Job
from .worker import Worker, start_worker, stop_worker, wake_workers

__all__ = [
           "FINISHED",
           "KINDS",
           "STATES",
           "Job",
           "Worker",
           "files_dir",
           "get_job",
           "list_jobs",
           "restart_job",
           "start_worker",
           "stop_worker",
           "submit_bind",
           "submit_generate",
           "submit_ingest",
           "upload_dir",
           "wake_workers",
]
