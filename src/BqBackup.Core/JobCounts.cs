using System;

namespace BqBackup
{
    /// <summary>Row counts of a bunqueue database, taken from the snapshot itself.</summary>
    public sealed class JobCounts
    {
        public long Waiting { get; set; }
        public long Prioritized { get; set; }
        public long Delayed { get; set; }
        public long WaitingChildren { get; set; }
        public long Active { get; set; }
        public long Completed { get; set; }
        /// <summary>Jobs in a state this version does not know; kept so totals add up.</summary>
        public long Other { get; set; }
        public long Dlq { get; set; }
        public long CronJobs { get; set; }

        public long Jobs => Waiting + Prioritized + Delayed + WaitingChildren + Active + Completed + Other;

        public override string ToString() =>
            $"jobs={Jobs} (waiting={Waiting} prioritized={Prioritized} delayed={Delayed} waiting-children={WaitingChildren} active={Active} completed={Completed}) dlq={Dlq} cron={CronJobs}";
    }
}
