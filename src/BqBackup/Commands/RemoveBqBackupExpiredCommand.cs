using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Retention;

namespace BqBackup.Commands
{
    /// <summary>Deletes the backups a retention policy no longer keeps; never the newest one.</summary>
    [Cmdlet(VerbsCommon.Remove, "BqBackupExpired", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = DestinationSet,
        HelpUri = HelpLinks.RemoveBqBackupExpired)]
    [OutputType(typeof(BackupInfo))]
    public sealed class RemoveBqBackupExpiredCommand : BqRetentionCmdlet
    {
        private const string DestinationSet = "Destination";
        private const string InputSet = "InputObject";

        [Parameter(Position = 0, ParameterSetName = DestinationSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>Backups to consider (from Get-BqBackup); only those the policy expires are removed.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        public BackupInfo[] InputObject { get; set; }

        /// <summary>On a versioned bucket, also delete the noncurrent versions and delete markers of each expired backup that no lock protects.</summary>
        [Parameter]
        public SwitchParameter PurgeVersions { get; set; }

        /// <summary>Extend the Object Lock of the long-term keepers (-KeepMonthly/-KeepYearly picks) to -LockDays from now.</summary>
        [Parameter]
        public SwitchParameter ExtendLock { get; set; }

        /// <summary>With -ExtendLock: days from now the long-term keepers stay locked.</summary>
        [Parameter]
        public int LockDays { get; set; }

        /// <summary>With -ExtendLock: the mode of a lock set or extended (default Governance; a Compliance lock stays Compliance).</summary>
        [Parameter]
        public Locking.ObjectLockMode LockMode { get; set; }

        /// <summary>Outputs each backup removed; without it nothing is output (Get-BqBackupRetention previews).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private RetentionPolicy policy;
        private RemovalOptions removal;
        private readonly List<BackupInfo> piped = new List<BackupInfo>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            policy = BoundRetentionRules().WithDefaultRule(Environment);
            policy.IncludeBunqueueBackups = IncludeBunqueueBackups;
            try
            {
                policy.Validate();
                removal = new RemovalOptions { PurgeVersions = PurgeVersions, ExtendLock = ExtendLockOptions() };
            }
            catch (BqBackupException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == DestinationSet)
            {
                // Each destination (one given, or one per piped row) is expired on its own.
                var destination = DestinationFor(Destination);
                if (destination != null) Expire(destination, null, null);
                return;
            }
            foreach (var backup in InputObject ?? new BackupInfo[0])
            {
                try
                {
                    PipedBackup.RequireComplete(backup, MyInvocation.MyCommand.Name);
                    piped.Add(backup);
                }
                catch (BqBackupException e)
                {
                    Report(e);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == DestinationSet) return;
            if (BucketName != null)
                Fail(new BqBackupException(ErrorIds.DestinationConflict, BqErrorCategory.InvalidArgument,
                    $"-BucketName '{BucketName}' was given with piped backups, which name their own destination.", BucketName,
                    "Leave out -BucketName and -KeyPrefix when piping backups."));
            // Piped backups of one store (the same destination reached with the same settings) are judged together.
            foreach (var group in piped.GroupBy(b => (b.Destination, b.StoreSettings)))
            {
                var first = group.First();
                string destination;
                try { destination = ResolveDestination(first.Destination); }
                catch (BqBackupException e) { Report(e); continue; }
                Expire(destination, new HashSet<string>(group.Select(b => b.Name)), group.Key.StoreSettings);
            }
        }

        /// <summary>-ExtendLock's target, from -LockDays and -LockMode; either of those without -ExtendLock is a mistake, not a no-op.</summary>
        private Locking.ObjectLockOptions ExtendLockOptions()
        {
            var days = MyInvocation.BoundParameters.ContainsKey(nameof(LockDays));
            var mode = MyInvocation.BoundParameters.ContainsKey(nameof(LockMode));
            if (!ExtendLock)
            {
                if (days || mode)
                    throw new BqBackupException(ErrorIds.InvalidLockSetting, BqErrorCategory.InvalidArgument,
                        "-LockDays and -LockMode of Remove-BqBackupExpired apply only with -ExtendLock.", days ? (object)LockDays : LockMode,
                        "Add -ExtendLock to extend the locks of the long-term keepers, or leave them out.");
                return null;
            }
            if (!days)
                throw new BqBackupException(ErrorIds.InvalidLockSetting, BqErrorCategory.InvalidArgument,
                    "-ExtendLock needs -LockDays: how long from now the long-term keepers stay locked.", null, "Add -LockDays, e.g. -ExtendLock -LockDays 400.");
            var options = new Locking.ObjectLockOptions { Mode = mode ? LockMode : Locking.ObjectLockMode.Governance, Days = LockDays };
            options.Validate(System.DateTime.UtcNow);
            return options;
        }

        /// <summary>The policy is judged on the whole destination, so "the newest" is the true newest even when only some backups were piped.</summary>
        private void Expire(string destination, ISet<string> onlyThese, Storage.StoreSettings carried)
        {
            try
            {
                using (var store = OpenStore(destination, createFolder: false, carried))
                {
                    var ctx = Context();
                    // Under -WhatIf the scratch of killed runs is left alone too; the removed backups go out with -PassThru only.
                    var whatIf = WhatIfInEffect();
                    Guard(() => { ExpiryEngine.CleanUp(store, ShouldProcess, ctx, narrowed: onlyThese != null, scratch: !whatIf); return 0; });
                    var all = Guard(() => new BackupCatalog(store, destination).List(ctx));
                    var decisions = RetentionEvaluator.Evaluate(all, policy, ctx.UtcNow());
                    Guard(() => ExpiryEngine.Apply(store, decisions, ShouldProcess, ctx, onlyThese, outcome =>
                    {
                        if (outcome.Removed && PassThru) WriteObject(outcome.Decision.Backup);
                        if (outcome.Error != null) Report(outcome.Error);
                    }, policy.IncludeBunqueueBackups, removal));
                }
            }
            catch (BqBackupException e)
            {
                // One destination's failure (unreachable, RetentionWouldRemoveAll) is reported for it; the others are still expired.
                Report(e);
            }
        }

        /// <summary>Whether this run only says what it would do: -WhatIf as given (-WhatIf:$false is not), else $WhatIfPreference.</summary>
        private bool WhatIfInEffect()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound))
                return bound is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(bound);
            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }
    }
}
