using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using BqBackup.Retention;
using BqBackup.Schedule;

namespace BqBackup.Commands
{
    /// <summary>
    /// Schedules New-BqBackup then Remove-BqBackupExpired every -Interval: a systemd service and
    /// timer on Linux, a crontab line with -AsCron, a Scheduled Task on Windows. It takes no
    /// secret: the job reads credentials from -EnvironmentFile or the AWS profile -ProfileName.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "BqBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InstallSet, HelpUri = HelpLinks.RegisterBqBackupSchedule)]
    [OutputType(typeof(ScheduleInfo), typeof(string))]
    public sealed class RegisterBqBackupScheduleCommand : BqCmdlet
    {
        private const string InstallSet = "Install";
        private const string CronSet = "Cron";

        /// <summary>The unit and task name; letters, digits, '_' and '-'.</summary>
        [Parameter]
        public string Name { get; set; } = ScheduleBuilder.DefaultName;

        /// <summary>bunqueue's database; without it the job uses BUNQUEUE_DATA_PATH from -EnvironmentFile.</summary>
        [Parameter(Position = 0)]
        [Alias("DataPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>A folder or s3://bucket/prefix; without it the job uses S3_BUCKET from -EnvironmentFile.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>How often; 6 hours as bunqueue's S3_BACKUP_INTERVAL.</summary>
        [Parameter]
        public TimeSpan Interval { get; set; } = ScheduleBuilder.DefaultInterval;

        // Passed through to Remove-BqBackupExpired; none given: its default (S3_BACKUP_RETENTION, else 7 days).
        [Parameter] public int RetentionDays { get; set; }
        [Parameter] public int KeepLast { get; set; }
        [Parameter] public int KeepHourly { get; set; }
        [Parameter] public int KeepDaily { get; set; }
        [Parameter] public int KeepWeekly { get; set; }
        [Parameter] public int KeepMonthly { get; set; }
        [Parameter] public int KeepYearly { get; set; }

        /// <summary>KEY=value lines with the secrets (and any other setting); read by the job, never written by us.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EnvironmentFile { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ProfileName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EndpointUrl { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Region { get; set; }

        /// <summary>The account that runs the job (systemd User=, the task's user); default root / SYSTEM.</summary>
        [Parameter(ParameterSetName = InstallSet)]
        [ValidateNotNullOrEmpty]
        public string User { get; set; }

        /// <summary>Where the unit files go (on Windows with -NoEnable, the task XML).</summary>
        [Parameter(ParameterSetName = InstallSet)]
        [ValidateNotNullOrEmpty]
        public string UnitDirectory { get; set; } = ScheduleBuilder.DefaultUnitDirectory;

        /// <summary>Write the files only: no systemctl (no schtasks on Windows).</summary>
        [Parameter(ParameterSetName = InstallSet)]
        public SwitchParameter NoEnable { get; set; }

        /// <summary>Replace a schedule of the same name.</summary>
        [Parameter(ParameterSetName = InstallSet)]
        public SwitchParameter Force { get; set; }

        /// <summary>Install nothing: output the crontab line that does the same (a string, with Name, Kind, Interval, Trigger, Command).</summary>
        [Parameter(Mandatory = true, ParameterSetName = CronSet)]
        public SwitchParameter AsCron { get; set; }

        private static readonly bool OnWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        protected override void EndProcessing()
        {
            try
            {
                var kind = AsCron ? ScheduleKind.Cron : OnWindows ? ScheduleKind.WindowsTask : ScheduleKind.Systemd;
                if (kind == ScheduleKind.Cron && OnWindows)
                    throw new BqBackupException(ErrorIds.InvalidScheduleSetting, BqErrorCategory.InvalidArgument,
                        "-AsCron makes a crontab line for Linux and macOS; Windows has no cron.", "AsCron",
                        "Leave out -AsCron: on Windows the schedule is a Scheduled Task.");
                var settings = Settings();
                ScheduleBuilder.Validate(settings, kind);
                Warn(settings);

                switch (kind)
                {
                    case ScheduleKind.Cron: WriteObject(Cron(settings)); break;
                    case ScheduleKind.Systemd: InstallSystemd(settings); break;
                    default: InstallWindowsTask(settings); break;
                }
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        private ScheduleSettings Settings()
        {
            var retention = BoundRetentionRules();
            var psHome = SessionState.PSVariable.GetValue("PSHOME") as string;
            string processPath;
            using (var process = System.Diagnostics.Process.GetCurrentProcess()) processPath = process.MainModule.FileName;
            return new ScheduleSettings
            {
                Name = Name,
                DatabasePath = Path == null ? null : ResolvePath(Path),
                // s3:// verbatim; a folder made absolute, as the job will not run where we stand.
                Destination = Destination == null ? null : Destination.Contains("://") ? Destination : ResolvePath(Destination),
                Interval = Interval,
                Retention = retention,
                EnvironmentFile = EnvironmentFile == null ? null : ResolvePath(EnvironmentFile),
                ProfileName = ProfileName,
                EndpointUrl = EndpointUrl,
                Region = Region,
                User = User,
                ModulePath = ModulePath(),
                Executable = ScheduleBuilder.PwshExecutable(processPath, psHome, OnWindows),
            };
        }

        /// <summary>The module's manifest in its ModuleBase, so the job loads exactly this module.</summary>
        private string ModulePath()
        {
            var assembly = typeof(RegisterBqBackupScheduleCommand).Assembly.Location;
            var moduleBase = MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(assembly);
            var manifest = System.IO.Path.Combine(moduleBase, "BqBackup.psd1");
            return File.Exists(manifest) ? manifest : assembly;
        }

        private void Warn(ScheduleSettings settings)
        {
            if (settings.EnvironmentFile != null)
            {
                var warning = ScheduleFiles.CheckEnvironmentFile(settings.EnvironmentFile);
                if (warning != null) WriteWarning(warning);
            }
            if (settings.DatabasePath != null && !File.Exists(settings.DatabasePath))
                WriteWarning($"'{settings.DatabasePath}' does not exist yet; each run will fail until it does.");
            var s3 = settings.Destination == null || settings.Destination.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);
            if (s3 && settings.EnvironmentFile == null && settings.ProfileName == null &&
                (System.Environment.GetEnvironmentVariable("S3_SECRET_ACCESS_KEY") != null || System.Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") != null))
                WriteWarning("This session has S3 credentials in its environment, but the schedule never copies them: put them in -EnvironmentFile or use -ProfileName, or the job will use the machine's default credentials.");
        }

        /// <summary>
        /// The crontab line itself, so it prints as one line (an object's view would wrap it) and
        /// can go straight into a crontab; like Get-Content's lines, it carries what describes it.
        /// </summary>
        private PSObject Cron(ScheduleSettings settings)
        {
            var line = new PSObject(ScheduleBuilder.CronLine(settings));
            line.Properties.Add(new PSNoteProperty("Name", settings.Name));
            line.Properties.Add(new PSNoteProperty("Kind", ScheduleKind.Cron));
            line.Properties.Add(new PSNoteProperty("Interval", settings.Interval));
            line.Properties.Add(new PSNoteProperty("Trigger", ScheduleBuilder.CronTime(settings.Interval)));
            line.Properties.Add(new PSNoteProperty("Files", new string[0]));
            line.Properties.Add(new PSNoteProperty("Command", ScheduleBuilder.ShellCommand(settings, sourceEnvironmentFile: true)));
            return line;
        }

        private void InstallSystemd(ScheduleSettings settings)
        {
            var folder = ResolvePath(UnitDirectory);
            var servicePath = System.IO.Path.Combine(folder, ScheduleBuilder.ServiceFileName(settings.Name));
            var timerPath = System.IO.Path.Combine(folder, ScheduleBuilder.TimerFileName(settings.Name));
            var service = ScheduleBuilder.ServiceUnit(settings);
            var timer = ScheduleBuilder.TimerUnit(settings);
            var timerName = ScheduleBuilder.TimerFileName(settings.Name);

            var replacing = File.Exists(servicePath) || File.Exists(timerPath);
            if (replacing && !Force)
                throw new BqBackupException(ErrorIds.ScheduleExists, BqErrorCategory.ResourceExists,
                    $"A schedule named '{settings.Name}' is already in '{folder}'.", File.Exists(servicePath) ? servicePath : timerPath,
                    "Pass -Force to replace it, pick another -Name, or remove it with Unregister-BqBackupSchedule.");

            var text = new StringBuilder();
            text.AppendLine($"Install the systemd timer '{settings.Name}' (every {ScheduleBuilder.DescribeInterval(settings.Interval)}):");
            text.AppendLine($"--- {servicePath} ---").Append(service);
            text.AppendLine($"--- {timerPath} ---").Append(timer);
            text.Append(NoEnable ? "--- and enable nothing (-NoEnable)" : $"--- then: systemctl daemon-reload; systemctl enable --now {timerName}");
            if (!ShouldProcess(text.ToString(), $"Install the systemd timer '{settings.Name}' in '{folder}'?", "Register-BqBackupSchedule")) return;

            ScheduleFiles.Write(servicePath, service);
            ScheduleFiles.Write(timerPath, timer);
            WriteVerbose($"Wrote '{servicePath}' and '{timerPath}'.");
            if (!NoEnable)
            {
                SchedulerCommand.Run("systemctl", "daemon-reload");
                SchedulerCommand.Run("systemctl", "enable", "--now", timerName);
                // A timer that was already running keeps its old schedule until restarted.
                if (replacing) SchedulerCommand.Run("systemctl", "restart", timerName);
                WriteVerbose($"Enabled and started {timerName}.");
            }
            WriteObject(new ScheduleInfo
            {
                Name = settings.Name,
                Kind = ScheduleKind.Systemd,
                Interval = settings.Interval,
                Trigger = ScheduleBuilder.SystemdTrigger(settings.Interval),
                Files = new[] { servicePath, timerPath },
                Command = ScheduleBuilder.ShellCommand(settings, sourceEnvironmentFile: false),
                Enabled = !NoEnable,
            });
        }

        private void InstallWindowsTask(ScheduleSettings settings)
        {
            var xml = ScheduleBuilder.WindowsTaskXml(settings, DateTime.Today);
            var schtasks = System.IO.Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.System), "schtasks.exe");
            var exists = !NoEnable && SchedulerCommand.Succeeds(schtasks, "/Query", "/TN", settings.Name);
            // With -NoEnable the XML is the file written, for schtasks /Create /XML later.
            var folder = MyInvocation.BoundParameters.ContainsKey(nameof(UnitDirectory)) ? ResolvePath(UnitDirectory) : SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            var xmlPath = System.IO.Path.Combine(folder, settings.Name + ".xml");
            if (NoEnable) exists = File.Exists(xmlPath);
            if (exists && !Force)
                throw new BqBackupException(ErrorIds.ScheduleExists, BqErrorCategory.ResourceExists,
                    $"A scheduled task named '{settings.Name}' already exists.", settings.Name,
                    "Pass -Force to replace it, pick another -Name, or remove it with Unregister-BqBackupSchedule.");

            var what = NoEnable
                ? $"Write the Scheduled Task XML '{xmlPath}' (every {ScheduleBuilder.DescribeInterval(settings.Interval)}), registering nothing:"
                : $"Register the Scheduled Task '{settings.Name}' (every {ScheduleBuilder.DescribeInterval(settings.Interval)}) with schtasks.exe /Create /XML:";
            if (!ShouldProcess(what + System.Environment.NewLine + xml, $"Register the Scheduled Task '{settings.Name}'?", "Register-BqBackupSchedule")) return;

            if (NoEnable)
            {
                ScheduleFiles.Write(xmlPath, xml, Encoding.Unicode);
            }
            else
            {
                var temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bqbackup-task-{Guid.NewGuid():N}.xml");
                try
                {
                    // schtasks reads the XML as UTF-16, as its declaration says.
                    File.WriteAllText(temp, xml, Encoding.Unicode);
                    if (Force) SchedulerCommand.Run(schtasks, "/Create", "/TN", settings.Name, "/XML", temp, "/F");
                    else SchedulerCommand.Run(schtasks, "/Create", "/TN", settings.Name, "/XML", temp);
                }
                finally
                {
                    try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
            }
            WriteObject(new ScheduleInfo
            {
                Name = settings.Name,
                Kind = ScheduleKind.WindowsTask,
                Interval = settings.Interval,
                Trigger = ScheduleBuilder.IsoDuration(settings.Interval),
                Files = NoEnable ? new[] { xmlPath } : new string[0],
                Command = ScheduleBuilder.WindowsCommandLine(settings),
                Enabled = !NoEnable,
            });
        }
    }
}
