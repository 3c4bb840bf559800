using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Copy;
using BqBackup.Storage;

namespace BqBackup.Commands
{
    /// <summary>
    /// Copies backups to another destination (3-2-1): piped from Get-BqBackup, or picked in -From
    /// by -Name, -Latest, -All or -Missing. The S3 parameters (-EndpointUrl, -AccessKey …) describe
    /// the target (-To). The source is reached with the -From… parameters, then the settings a piped
    /// backup carries, then the target's S3 parameters (S3Options.OrElse): the same provider needs
    /// nothing more, another account its own -FromAccessKey/-FromProfileName. Decisions are BackupCopier's.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "BqBackup", DefaultParameterSetName = InputSet, SupportsShouldProcess = true, HelpUri = HelpLinks.CopyBqBackup)]
    [OutputType(typeof(CopyResult))]
    public sealed class CopyBqBackupCommand : BqStoreCmdlet
    {
        private const string InputSet = "InputObject";
        private const string NameSet = "Name";
        private const string LatestSet = "Latest";
        private const string AllSet = "All";
        private const string MissingSet = "Missing";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        [Binding.PipedBackupRow]
        public BackupInfo InputObject { get; set; }

        /// <summary>Where the backups are copied from; -Destination is its other name.</summary>
        [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = LatestSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = AllSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = MissingSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Destination")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string From { get; set; }

        /// <summary>Where the copies go: a folder (created if missing) or s3://bucket/prefix, reached with the S3 parameters.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string To { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completion.BackupNameCompleter))]
        public string[] Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LatestSet)]
        public SwitchParameter Latest { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = AllSet)]
        public SwitchParameter All { get; set; }

        /// <summary>Every backup of -From whose name -To does not hold: a mirror step, a no-op when nothing is missing.</summary>
        [Parameter(Mandatory = true, ParameterSetName = MissingSet)]
        public SwitchParameter Missing { get; set; }

        // The source's S3 settings, when its backups do not carry them (named with -From) or its credentials differ.
        [Parameter] public string FromEndpointUrl { get; set; }
        [Parameter, ArgumentCompleter(typeof(Completion.RegionCompleter))] public string FromRegion { get; set; }
        [Parameter] public string FromAccessKey { get; set; }
        [Parameter, Binding.SecretText] public string FromSecretKey { get; set; }
        [Parameter, Binding.S3Credential] public object FromCredential { get; set; }
        [Parameter, Binding.SecretText] public string FromSessionToken { get; set; }
        [Parameter, ArgumentCompleter(typeof(Completion.ProfileNameCompleter))] public string FromProfileName { get; set; }
        [Parameter] public string FromProfileLocation { get; set; }
        [Parameter] public bool FromForcePathStyleAddressing { get; set; }

        /// <summary>Lock each copy's body and sidecar at the target with S3 Object Lock in this mode (needs -LockDays or -LockUntil).</summary>
        [Parameter]
        public Locking.ObjectLockMode LockMode { get; set; }

        /// <summary>Days each copy stays locked, counted from when it is copied.</summary>
        [Parameter]
        public int LockDays { get; set; }

        /// <summary>The date every copy of this run stays locked until.</summary>
        [Parameter]
        public DateTime LockUntil { get; set; }

        private S3Options fromOptions;
        private string target;
        private IBackupStore targetStore;
        private bool targetOpened;
        private readonly CopyOptions copyOptions = new CopyOptions();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                if (BucketName != null || KeyPrefix != null)
                    throw new BqBackupException(ErrorIds.DestinationConflict, BqErrorCategory.InvalidArgument,
                        "Copy-BqBackup names its target with -To and its source with -From (or the piped backups); -BucketName and -KeyPrefix are not taken.",
                        BucketName ?? KeyPrefix, "Give -To s3://bucket/prefix/ (and -From s3://bucket/prefix/ for the source).");
                if (MyInvocation.BoundParameters.ContainsKey(nameof(Name))) foreach (var n in Name) BackupNamePattern.Parse(n);
                fromOptions = FromS3Options();
                if (fromOptions.ProfileLocation != null) fromOptions.ProfileLocation = ResolvePath(fromOptions.ProfileLocation);
                Storage.S3.S3ClientFactory.CheckOptions(fromOptions);
                target = ResolveDestination(To);
                // Parameters only: BQBACKUP_LOCK_* of an unattended run's environment belong to its backups, not to its copies.
                copyOptions.ObjectLock = Locking.ObjectLockOptions.Resolve(Bound<Locking.ObjectLockMode>(nameof(LockMode)), Bound<int>(nameof(LockDays)),
                    Bound<DateTime>(nameof(LockUntil)), null, DateTime.UtcNow);
                if (copyOptions.ObjectLock != null) WriteVerbose($"Locking every copy {copyOptions.ObjectLock.Describe()}.");
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        private T? Bound<T>(string name) where T : struct =>
            MyInvocation.BoundParameters.TryGetValue(name, out var value) ? (T)value : (T?)null;

        /// <summary>The -From… parameters read as the S3 parameters are, by the same builder.</summary>
        private S3Options FromS3Options()
        {
            var renamed = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in MyInvocation.BoundParameters)
                if (entry.Key.StartsWith(nameof(From), StringComparison.OrdinalIgnoreCase) && entry.Key.Length > nameof(From).Length)
                    renamed[entry.Key.Substring(nameof(From).Length)] = entry.Value;
            return Binding.S3OptionsBuilder.From(renamed);
        }

        protected override void EndProcessing() => targetStore?.Dispose();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == InputSet)
            {
                if (InputObject == null) return;
                try
                {
                    RequirePiped(InputObject);
                    var source = ResolveDestination(InputObject.Destination);
                    using (var sourceStore = BackupStores.Open(source, fromOptions.Over(InputObject.StoreSettings).OrElse(S3Options()), Environment, createFolder: false))
                    {
                        var backup = Guard(() => PipedBackup.Current(InputObject, sourceStore, source, Context()));
                        CopyOne(backup, sourceStore, source);
                    }
                }
                catch (BqBackupException e)
                {
                    Report(e);
                }
                return;
            }

            try
            {
                var source = ResolveDestination(From);
                using (var sourceStore = BackupStores.Open(source, fromOptions.OrElse(S3Options()), Environment, createFolder: false))
                {
                    var ctx = Context();
                    var backups = Guard(() => new BackupCatalog(sourceStore, source).List(ctx));
                    foreach (var backup in Select(backups, sourceStore, source, ctx))
                    {
                        try { CopyOne(backup, sourceStore, source); }
                        catch (BqBackupException e) { Report(e); }
                    }
                }
            }
            catch (BqBackupException e)
            {
                Report(e);
            }
        }

        private IEnumerable<BackupInfo> Select(IReadOnlyList<BackupInfo> backups, IBackupStore sourceStore, string source, OperationContext ctx)
        {
            switch (ParameterSetName)
            {
                case AllSet:
                    return backups;
                case NameSet:
                    return BackupCatalog.Find(backups, Name, source, Report);
                case MissingSet:
                    var store = TargetStore(sourceStore, source);
                    var present = store == null ? new List<BackupInfo>() : Guard(() => new BackupCatalog(store, target).List(ctx));
                    var missing = BackupCopier.Missing(backups, present);
                    WriteVerbose($"'{target}' lacks {missing.Count} of the {backups.Count} backups in '{source}'.");
                    return missing;
                default:
                    return new[] { PickBackup(backups, null, source) };
            }
        }

        /// <summary>The target, opened once for the whole command; null while it is a folder that does not exist yet (created by the first copy, never by -WhatIf).</summary>
        private IBackupStore TargetStore(IBackupStore sourceStore, string source)
        {
            if (!targetOpened)
            {
                try { targetStore = OpenStore(target, createFolder: false); }
                catch (BqBackupException e) when (e.ErrorId == ErrorIds.DestinationNotFound && !BackupStores.IsS3(target)) { targetStore = null; }
                targetOpened = true;
                // A lock the target cannot keep stops the command before anything is written there.
                try { BackupCopier.PrepareTarget(targetStore, target, copyOptions, Context()); }
                catch (BqBackupException e) { Fail(e); }
            }
            // The same store on both sides is a mistake in the command line, not in one backup: it stops the command.
            if (targetStore != null)
                try { BackupCopier.RefuseSameStore(sourceStore, source, targetStore, target); }
                catch (BqBackupException e) { Fail(e); }
            return targetStore;
        }

        private void CopyOne(BackupInfo backup, IBackupStore sourceStore, string source)
        {
            var ctx = Context();
            var store = TargetStore(sourceStore, source);
            var plan = Guard(() => BackupCopier.Plan(backup, sourceStore, source, store, target, copyOptions, ctx));
            if (plan.Action != CopyAction.Skipped)
            {
                var description = plan.Describe() + (copyOptions.ObjectLock != null ? ", locked " + copyOptions.ObjectLock.Describe() : "");
                if (!ShouldProcess(description, description + "?", "Copy-BqBackup")) return;
                if (store == null)
                {
                    targetStore = store = OpenStore(target, createFolder: true);
                    plan = Guard(() => BackupCopier.Plan(backup, sourceStore, source, store, target, copyOptions, ctx));
                }
            }
            WriteObject(Guard(() => BackupCopier.Execute(plan, sourceStore, store, copyOptions, ctx)));
        }
    }
}
