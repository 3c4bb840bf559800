using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using BqBackup.Schedule;

namespace BqBackup.Commands
{
    /// <summary>
    /// Schedules New-BqBackup then Remove-BqBackupExpired every -Interval: a systemd service and
    /// timer on Linux, a crontab line with -AsCron, a Scheduled Task on Windows. It takes no
    /// secret: the job reads credentials from -EnvironmentFile or the AWS profile -ProfileName, and
    /// encrypts with age to public keys only (-Recipient, -RecipientFile); there is no -IdentityFile
    /// or -Passphrase, and an identity given as a recipient is refused.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "BqBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InstallSet, HelpUri = HelpLinks.RegisterBqBackupSchedule)]
    [OutputType(typeof(ScheduleInfo), typeof(string))]
    public sealed class RegisterBqBackupScheduleCommand : BqCmdlet
    {
        private const string InstallSet = "Install";
        private const string CronSet = "Cron";

        /// <summary>The unit and task name; letters, digits, '_' and '-'.</summary>
        [Parameter] public string Name { get; set; } = ScheduleSettings.DefaultName;

        /// <summary>bunqueue's database; without it the job uses BUNQUEUE_DATA_PATH from -EnvironmentFile.</summary>
        [Parameter(Position = 0), Alias("DataPath"), ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>A folder or s3://bucket/prefix; without it the job uses S3_BUCKET from -EnvironmentFile.</summary>
        [Parameter(Position = 1), ValidateNotNullOrEmpty, ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>How often; 6 hours as bunqueue's S3_BACKUP_INTERVAL.</summary>
        [Parameter] public TimeSpan Interval { get; set; } = ScheduleInterval.Default;

        // Passed through to Remove-BqBackupExpired; none given: its default (S3_BACKUP_RETENTION, else 7 days).
        [Parameter] public int RetentionDays { get; set; }
        [Parameter] public int KeepLast { get; set; }
        [Parameter] public int KeepHourly { get; set; }
        [Parameter] public int KeepDaily { get; set; }
        [Parameter] public int KeepWeekly { get; set; }
        [Parameter] public int KeepMonthly { get; set; }
        [Parameter] public int KeepYearly { get; set; }

        /// <summary>KEY=value lines with the secrets (and any other setting); read by the job, never written by us.</summary>
        [Parameter, ValidateNotNullOrEmpty] public string EnvironmentFile { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string ProfileName { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string EndpointUrl { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string Region { get; set; }

        /// <summary>age public keys (age1…) the job's New-BqBackup encrypts to; an identity (AGE-SECRET-KEY-1…) is refused.</summary>
        [Parameter, ValidateNotNullOrEmpty] public string[] Recipient { get; set; }

        /// <summary>age recipients files (one age1… a line) the job reads when it runs; checked now.</summary>
        [Parameter, ValidateNotNullOrEmpty] public string[] RecipientFile { get; set; }

        /// <summary>Passed to the job's New-BqBackup: leave the checksum and counts out of encrypted backups' sidecars.</summary>
        [Parameter] public SwitchParameter MinimalMetadata { get; set; }

        /// <summary>The job locks each backup with S3 Object Lock in this mode, for -LockDays from when it is taken.</summary>
        [Parameter] public Locking.ObjectLockMode LockMode { get; set; }

        /// <summary>With -LockMode: days each scheduled backup stays locked.</summary>
        [Parameter] public int LockDays { get; set; }
        /// <summary>A second destination the job mirrors to after each backup (Copy-BqBackup -Missing): 3-2-1 in one schedule.</summary>
        [Parameter, ValidateNotNullOrEmpty, ArgumentCompleter(typeof(Completion.DestinationCompleter))] public string CopyTo { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string CopyToEndpointUrl { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string CopyToRegion { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string CopyToProfileName { get; set; }

        /// <summary>The copy step locks each copy at -CopyTo in this mode, for -CopyToLockDays from when it is copied.</summary>
        [Parameter] public Locking.ObjectLockMode CopyToLockMode { get; set; }

        /// <summary>With -CopyToLockMode: days each copy stays locked.</summary>
        [Parameter] public int CopyToLockDays { get; set; }
        /// <summary>Passed to the job's New-BqBackup: Gzip or Zstd (not readable by bunqueue's restore); default: the job's BQBACKUP_COMPRESSION, else Gzip.</summary>
        [Parameter] public Codec.BqCompression Compression { get; set; }

        /// <summary>The account that runs the job (systemd User=, the task's user); default root / SYSTEM.</summary>
        [Parameter(ParameterSetName = InstallSet), ValidateNotNullOrEmpty] public string User { get; set; }

        /// <summary>Where the unit files go (on Windows with -NoEnable, the task XML).</summary>
        [Parameter(ParameterSetName = InstallSet), ValidateNotNullOrEmpty]
        public string UnitDirectory { get; set; } = SystemdScheduler.DefaultUnitDirectory;

        /// <summary>Write the files only: no systemctl (no schtasks on Windows).</summary>
        [Parameter(ParameterSetName = InstallSet)] public SwitchParameter NoEnable { get; set; }

        /// <summary>Replace a schedule of the same name.</summary>
        [Parameter(ParameterSetName = InstallSet)] public SwitchParameter Force { get; set; }

        /// <summary>Install nothing: output the crontab line that does the same (a string, with Name, Kind, Interval, Trigger, Command).</summary>
        [Parameter(Mandatory = true, ParameterSetName = CronSet)] public SwitchParameter AsCron { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var scheduler = Schedulers.ForThisMachine(AsCron, new SchedulerOptions
                {
                    // Not given: the scheduler's default (/etc/systemd/system; on Windows the current folder).
                    UnitDirectory = MyInvocation.BoundParameters.ContainsKey(nameof(UnitDirectory)) ? ResolvePath(UnitDirectory) : null,
                    WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath, FilesOnly = NoEnable,
                });
                var settings = Settings(windows: scheduler.Kind == ScheduleKind.WindowsTask);
                ScheduleValidation.Validate(settings, scheduler);
                // Checked for secrets above, as given; s3:// normalized, a folder made absolute, as the job will not run where we stand.
                if (Destination != null) settings.Destination = ResolveDestination(Destination);
                foreach (var warning in ScheduleWarnings.Of(settings, Environment)) WriteWarning(warning);
                var plan = scheduler.PlanInstall(settings, replace: Force);
                if (plan.Text != null) WriteObject(AsText(plan));
                else if (ShouldProcess(plan.Description, plan.Question, "Register-BqBackupSchedule")) WriteObject(scheduler.Install(plan, Context()));
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        private ScheduleSettings Settings(bool windows)
        {
            string processPath;
            using (var process = System.Diagnostics.Process.GetCurrentProcess()) processPath = process.MainModule.FileName;
            return new ScheduleSettings
            {
                Name = Name, Interval = Interval, Retention = BoundRetentionRules(),
                DatabasePath = Path == null ? null : ResolvePath(Path),
                EnvironmentFile = EnvironmentFile == null ? null : ResolvePath(EnvironmentFile),
                Destination = Destination, ProfileName = ProfileName, EndpointUrl = EndpointUrl, Region = Region, User = User,
                Recipients = Recipient?.Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToArray(),
                RecipientFiles = RecipientFile?.Select(ResolvePath).ToArray(),
                MinimalMetadata = MinimalMetadata,
                ObjectLock = ScheduledLock(nameof(LockMode), nameof(LockDays)),
                CopyTo = CopyTo == null || Storage.BackupStores.IsS3(CopyTo) ? CopyTo : ResolvePath(CopyTo),
                CopyToEndpointUrl = CopyToEndpointUrl, CopyToRegion = CopyToRegion, CopyToProfileName = CopyToProfileName,
                CopyToObjectLock = ScheduledLock(nameof(CopyToLockMode), nameof(CopyToLockDays)),
                Compression = MyInvocation.BoundParameters.ContainsKey(nameof(Compression)) ? Compression : (Codec.BqCompression?)null,
                ModulePath = ModulePath(), Executable = ScheduleJob.PwshExecutable(processPath, SessionState.PSVariable.GetValue("PSHOME") as string, windows),
            };
        }

        /// <summary>-LockMode with -LockDays, checked as New-BqBackup checks them (not this session's BQBACKUP_LOCK_*: the job reads its own).</summary>
        private Locking.ObjectLockOptions ScheduledLock(string modeParameter, string daysParameter)
        {
            var bound = MyInvocation.BoundParameters;
            var mode = bound.TryGetValue(modeParameter, out var m) ? (Locking.ObjectLockMode)m : (Locking.ObjectLockMode?)null;
            var days = bound.TryGetValue(daysParameter, out var d) ? (int)d : (int?)null;
            return Locking.ObjectLockOptions.Resolve(mode, days, null, environment: null, DateTime.UtcNow);
        }

        /// <summary>The module's manifest in its ModuleBase, so the job loads exactly this module.</summary>
        private string ModulePath()
        {
            var assembly = typeof(RegisterBqBackupScheduleCommand).Assembly.Location;
            var moduleBase = MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(assembly);
            var manifest = System.IO.Path.Combine(moduleBase, "BqBackup.psd1");
            return File.Exists(manifest) ? manifest : assembly;
        }

        /// <summary>The crontab line itself, to print unwrapped and paste; like Get-Content's lines, it carries what describes it.</summary>
        private static PSObject AsText(SchedulePlan plan)
        {
            var line = new PSObject(plan.Text);
            var source = PSObject.AsPSObject(plan.Result);
            foreach (var property in source.Properties)
                if (property.Name != nameof(ScheduleInfo.Enabled)) line.Properties.Add(new PSNoteProperty(property.Name, property.Value));
            // The TimeSpan scripts read beside IntervalSeconds: a hidden property (BqBackup.Types.ps1xml), which the loop above does not see.
            line.Properties.Add(new PSNoteProperty("Interval", source.Properties["Interval"]?.Value));
            return line;
        }
    }
}
