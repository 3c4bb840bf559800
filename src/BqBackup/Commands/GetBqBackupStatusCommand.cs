using System;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Health;

namespace BqBackup.Commands
{
    /// <summary>
    /// Backup health for a scheduled task or a monitoring agent: the newest backup's age and size,
    /// counts, and Healthy / Warning / Critical with the reasons.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "BqBackupStatus", HelpUri = HelpLinks.GetBqBackupStatus)]
    [OutputType(typeof(BackupHealth), typeof(string))]
    public sealed class GetBqBackupStatusCommand : BqStoreCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>How often backups run; no backup within twice this is Critical. Defaults to S3_BACKUP_INTERVAL (ms), else 6 hours.</summary>
        [Parameter]
        public TimeSpan Interval { get; set; }

        /// <summary>Warn when the newest backup is this many times larger or smaller than the median of the ones before it.</summary>
        [Parameter]
        [ValidateRange(1.0, 1000.0)]
        public double SizeAnomalyFactor { get; set; } = HealthCheck.DefaultSizeAnomalyFactor;

        /// <summary>Output Prometheus text exposition format (for node-exporter's textfile collector) instead of an object.</summary>
        [Parameter]
        public SwitchParameter AsPrometheus { get; set; }

        private TimeSpan interval;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            interval = MyInvocation.BoundParameters.ContainsKey(nameof(Interval)) ? Interval : HealthCheck.IntervalFrom(Environment);
            try { HealthCheck.CheckInterval(interval); }
            catch (BqBackupException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            // One destination: a failure to read it is reported for it, the next is still checked.
            var destination = DestinationFor(Destination);
            if (destination == null) return;
            try
            {
                using (var store = OpenStore(destination, createFolder: false))
                {
                    var ctx = Context();
                    var backups = Guard(() => new BackupCatalog(store, destination).List(ctx));
                    var record = StatusRecord.Read(store, ctx);
                    var health = HealthCheck.Evaluate(destination, backups, record, interval, SizeAnomalyFactor, ctx.UtcNow());
                    HealthCheck.AddWarning(health, Guard(() => Protection.DestinationPosture.NewestNotLockedReason(store, backups, ctx)));
                    if (AsPrometheus) WriteObject(HealthCheck.ToPrometheus(health));
                    else WriteObject(health);
                }
            }
            catch (BqBackupException e)
            {
                Report(e);
            }
        }
    }
}
