using System;
using System.Collections.Generic;
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
        /// <summary>
        /// One row per destination. The first one named (on the command line or down the pipeline) is
        /// the primary: a later one whose newest backup is older than the primary's by more than the
        /// interval is a Warning.
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string[] Destination { get; set; }

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

        // Each destination once, however many piped objects name it; the first one is the primary.
        private readonly HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
        private readonly List<BackupHealth> forPrometheus = new List<BackupHealth>();
        private BackupHealth primary;
        private string primaryDestination;

        protected override void ProcessRecord()
        {
            // One destination at a time: a failure to read it is reported for it, the next is still checked.
            foreach (var destination in DestinationsFor(Destination))
            {
                if (primaryDestination == null) primaryDestination = destination;
                var isPrimary = destination == primaryDestination;
                if (!seen.Add(destination)) continue;
                try
                {
                    using (var store = OpenStore(destination, createFolder: false))
                    {
                        var ctx = Context();
                        var backups = Guard(() => new BackupCatalog(store, destination).List(ctx));
                        var record = StatusRecord.Read(store, ctx);
                        var health = HealthCheck.Evaluate(destination, backups, record, interval, SizeAnomalyFactor, ctx.UtcNow());
                        HealthCheck.AddWarning(health, Guard(() => Protection.DestinationPosture.NewestNotLockedReason(store, backups, ctx)));
                        if (isPrimary) primary = health;
                        else if (primary != null) HealthCheck.CompareWithPrimary(health, primary);
                        // One exposition for all: a metric's HELP and TYPE may appear only once.
                        if (AsPrometheus) forPrometheus.Add(health);
                        else WriteObject(health);
                    }
                }
                catch (BqBackupException e)
                {
                    // Settings that one row carries wrong say nothing of the destination: a later row may still reach it.
                    if (e.ErrorId == ErrorIds.InvalidStoreSettings) seen.Remove(destination);
                    Report(e);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (AsPrometheus && forPrometheus.Count > 0) WriteObject(HealthCheck.ToPrometheus(forPrometheus));
        }
    }
}
