using System;
using System.Threading;

namespace BqBackup.State
{
    /// <summary>
    /// A run's hold on one in-flight record: released when what it names is finished (committed,
    /// or removed or aborted on failure), abandoned when the run could not remove it itself (an
    /// abort that could not reach the server), so the next run cleans it although this process
    /// still lives. Neither ever throws: the record is bookkeeping, the backup is what matters.
    /// </summary>
    internal sealed class InFlightTicket
    {
        /// <summary>For runs that could not write a record (no usable state folder).</summary>
        public static readonly InFlightTicket None = new InFlightTicket(null, null);

        private readonly InFlightRegistry registry;
        private readonly InFlightRecord record;
        private int settled;

        internal InFlightTicket(InFlightRegistry registry, InFlightRecord record)
        {
            this.registry = registry;
            this.record = record;
        }

        /// <summary>The record's file, or null when none was written.</summary>
        public string RecordPath => record?.Path;

        /// <summary>What the record names is gone or finished: remove the record.</summary>
        public void Release()
        {
            if (record == null || Interlocked.Exchange(ref settled, 1) != 0) return;
            registry.Remove(record);
        }

        /// <summary>What the record names is still there and this run cannot remove it: leave it to the next run.</summary>
        public void Abandon()
        {
            if (record == null || Interlocked.Exchange(ref settled, 1) != 0) return;
            registry.MarkAbandoned(record);
        }
    }
}
