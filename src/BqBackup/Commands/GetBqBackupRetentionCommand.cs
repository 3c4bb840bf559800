using System;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Retention;

namespace BqBackup.Commands
{
    /// <summary>
    /// What a retention policy says of every backup in a destination, Keep or Remove and why:
    /// the preview of Remove-BqBackupExpired with the same rules. Changes nothing.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "BqBackupRetention", HelpUri = HelpLinks.GetBqBackupRetention)]
    [OutputType(typeof(RetentionDecision))]
    public sealed class GetBqBackupRetentionCommand : BqRetentionCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        private RetentionPolicy policy;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            policy = BoundRetentionRules().WithDefaultRule(Environment);
            policy.IncludeBunqueueBackups = IncludeBunqueueBackups;
            try { policy.Validate(); }
            catch (BqBackupException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            // Each destination (one given, or one per piped object) is judged on its own.
            var destination = DestinationFor(Destination);
            if (destination == null) return;
            try
            {
                using (var store = OpenStore(destination, createFolder: false))
                {
                    var ctx = Context();
                    var all = Guard(() => new BackupCatalog(store, destination).List(ctx));
                    foreach (var decision in RetentionEvaluator.Evaluate(all, policy, DateTime.UtcNow))
                    {
                        WriteVerbose($"{decision.Action} '{decision.Name}': {decision.Reason}.");
                        WriteObject(decision);
                    }
                }
            }
            catch (BqBackupException e)
            {
                // This destination (unreachable, RetentionWouldRemoveAll): reported for it, the next still judged.
                Report(e);
            }
        }
    }
}
