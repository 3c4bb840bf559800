using System;
using System.IO;
using System.Linq;
using System.Text;

namespace BqBackup.Schedule
{
    /// <summary>
    /// A systemd service (Type=oneshot, the job in ExecStart=) and a timer that starts it every
    /// interval, as files in a unit folder; installing reloads systemd and enables the timer.
    /// </summary>
    public sealed class SystemdScheduler : IScheduler
    {
        public const string DefaultUnitDirectory = "/etc/systemd/system";

        private readonly string folder;
        private readonly bool filesOnly;
        private readonly ICommandRunner runner;

        public SystemdScheduler(SchedulerOptions options = null)
        {
            options = options ?? new SchedulerOptions();
            folder = options.UnitDirectory ?? DefaultUnitDirectory;
            filesOnly = options.FilesOnly;
            runner = options.Runner ?? SchedulerCommand.Instance;
        }

        public ScheduleKind Kind => ScheduleKind.Systemd;

        public static string ServiceFileName(string name) => name + ".service";
        public static string TimerFileName(string name) => name + ".timer";

        private string ServicePath(string name) => Path.Combine(folder, ServiceFileName(name));
        private string TimerPath(string name) => Path.Combine(folder, TimerFileName(name));

        public void Validate(ScheduleSettings s)
        {
            // systemd refuses to run a program whose own path has a quote or a backslash in it.
            if (s.Executable[0].IndexOfAny(new[] { '"', '\'', '\\' }) >= 0)
                throw ScheduleValidation.Setting("Executable", $"systemd cannot run '{s.Executable[0]}': an ExecStart= program path may not contain quotes or backslashes.",
                    "Run Register-BqBackupSchedule from a pwsh (or dotnet) installed under a plain path, or use -AsCron.");
            ScheduleValidation.ValidateUnixUser(s.User);
        }

        public string Find(string name) =>
            new[] { ServicePath(name), TimerPath(name) }.FirstOrDefault(File.Exists);

        public SchedulePlan PlanInstall(ScheduleSettings s, bool replace)
        {
            string servicePath = ServicePath(s.Name), timerPath = TimerPath(s.Name), timerName = TimerFileName(s.Name);
            string service = ServiceUnit(s), timer = TimerUnit(s);
            var existing = Find(s.Name);
            if (existing != null && !replace)
                throw ScheduleErrors.Exists($"A schedule named '{s.Name}' is already in '{folder}'.", existing);

            var text = new StringBuilder();
            text.AppendLine($"Install the systemd timer '{s.Name}' (every {ScheduleInterval.Describe(s.Interval)}):");
            text.AppendLine($"--- {servicePath} ---").Append(service);
            text.AppendLine($"--- {timerPath} ---").Append(timer);
            text.Append(filesOnly ? "--- and enable nothing (-NoEnable)" : $"--- then: systemctl daemon-reload; systemctl enable --now {timerName}");

            var steps = new[] { ScheduleStep.Write(servicePath, service), ScheduleStep.Write(timerPath, timer), ScheduleStep.Say($"Wrote '{servicePath}' and '{timerPath}'.") }.ToList();
            if (!filesOnly)
            {
                steps.Add(ScheduleStep.Run("systemctl", "daemon-reload"));
                steps.Add(ScheduleStep.Run("systemctl", "enable", "--now", timerName));
                // A timer that was already running keeps its old schedule until restarted.
                if (existing != null) steps.Add(ScheduleStep.Run("systemctl", "restart", timerName));
                steps.Add(ScheduleStep.Say($"Enabled and started {timerName}."));
            }
            return new SchedulePlan
            {
                Name = s.Name,
                Description = text.ToString(),
                Question = $"Install the systemd timer '{s.Name}' in '{folder}'?",
                Steps = steps,
                Result = new ScheduleInfo
                {
                    Name = s.Name,
                    Kind = ScheduleKind.Systemd,
                    Interval = s.Interval,
                    Recipients = new ReadableList<string>(s.Recipients ?? new string[0]),
                    RecipientFile = new ReadableList<string>(s.RecipientFiles ?? new string[0]),
                    Trigger = Trigger(s.Interval),
                    Files = new ReadableList<string> { servicePath, timerPath },
                    Command = ScheduleJob.ShellCommand(s, sourceEnvironmentFile: false),
                    Enabled = !filesOnly,
                },
            };
        }

        public ScheduleInfo Install(SchedulePlan plan, OperationContext context)
        {
            plan.Apply(runner, context);
            return plan.Result;
        }

        public SchedulePlan PlanRemove(string name)
        {
            string servicePath = ServicePath(name), timerPath = TimerPath(name), timerName = TimerFileName(name);
            if (Find(name) == null)
                throw ScheduleErrors.NotFound($"No schedule named '{name}' is in '{folder}' ({ServiceFileName(name)}, {timerName}).", name);
            var steps = new[] { ScheduleStep.Delete(timerPath), ScheduleStep.Delete(servicePath), ScheduleStep.Say($"Deleted '{timerPath}' and '{servicePath}'.") }.ToList();
            if (!filesOnly)
            {
                steps.Insert(0, ScheduleStep.Run("systemctl", "disable", "--now", timerName));
                steps.Add(ScheduleStep.Run("systemctl", "daemon-reload"));
            }
            return new SchedulePlan
            {
                Name = name,
                Description = filesOnly
                    ? $"Delete '{timerPath}' and '{servicePath}' (-NoDisable: no systemctl)"
                    : $"systemctl disable --now {timerName}, delete '{timerPath}' and '{servicePath}', systemctl daemon-reload",
                Question = $"Remove the schedule '{name}'?",
                Steps = steps,
            };
        }

        public void Remove(SchedulePlan plan, OperationContext context) => plan.Apply(runner, context);

        /// <summary>The schedules whose unit files are in the unit folder (enabled: linked from timers.target.wants).</summary>
        public System.Collections.Generic.IReadOnlyList<ScheduleInfo> List() => InstalledSchedules.FromSystemdUnits(folder);

        // -----------------------------------------------------------------------------------------
        // The unit files
        // -----------------------------------------------------------------------------------------

        public static string ServiceUnit(ScheduleSettings s)
        {
            var b = new StringBuilder();
            b.Append(InstalledSchedules.UnitHeader).Append('\n');
            b.Append("# No secret is in this file: the job reads them from EnvironmentFile= or the AWS profile.\n");
            b.Append("[Unit]\n");
            b.Append("Description=BqBackup: back up the bunqueue database and expire old backups (").Append(s.Name).Append(")\n");
            b.Append("Wants=network-online.target\n");
            b.Append("After=network-online.target\n");
            b.Append("\n[Service]\n");
            b.Append("Type=oneshot\n");
            if (s.User != null) b.Append("User=").Append(s.User).Append('\n');
            if (s.EnvironmentFile != null) b.Append("EnvironmentFile=").Append(Quoting.SystemdValue(s.EnvironmentFile)).Append('\n');
            b.Append("ExecStart=").Append(ExecStart(s)).Append('\n');
            return b.ToString();
        }

        /// <summary>The ExecStart= value: every argument quoted by systemd's rules, % doubled, and $ doubled after the program.</summary>
        public static string ExecStart(ScheduleSettings s) =>
            string.Join(" ", ScheduleJob.Arguments(s, windows: false).Select((argument, i) => Quoting.Systemd(argument, program: i == 0)));

        public static string TimerUnit(ScheduleSettings s)
        {
            var b = new StringBuilder();
            b.Append(InstalledSchedules.UnitHeader).Append('\n');
            b.Append("[Unit]\n");
            b.Append("Description=Run ").Append(ServiceFileName(s.Name)).Append(" every ").Append(ScheduleInterval.Describe(s.Interval)).Append('\n');
            b.Append("\n[Timer]\n");
            var calendar = OnCalendar(s.Interval);
            if (calendar != null)
            {
                b.Append("OnCalendar=").Append(calendar).Append('\n');
                // A run missed while the machine was off happens as soon as it is back.
                b.Append("Persistent=true\n");
            }
            else
            {
                b.Append("OnBootSec=").Append(ScheduleInterval.SystemdSpan(BootDelay(s.Interval))).Append('\n');
                b.Append("OnUnitActiveSec=").Append(ScheduleInterval.SystemdSpan(s.Interval)).Append('\n');
            }
            b.Append("RandomizedDelaySec=").Append(ScheduleInterval.SystemdSpan(ScheduleInterval.RandomizedDelay(s.Interval))).Append('\n');
            b.Append("\n[Install]\n");
            b.Append("WantedBy=timers.target\n");
            return b.ToString();
        }

        /// <summary>The timer's trigger in one line, for the output object.</summary>
        public static string Trigger(TimeSpan interval)
        {
            var calendar = OnCalendar(interval);
            return calendar != null
                ? "OnCalendar=" + calendar
                : $"OnBootSec={ScheduleInterval.SystemdSpan(BootDelay(interval))} OnUnitActiveSec={ScheduleInterval.SystemdSpan(interval)}";
        }

        /// <summary>
        /// A wall-clock calendar for intervals that divide an hour or a day (the same ones cron
        /// can say): 6 h is *-*-* 00/6:00:00. Null for the others, which then run on a monotonic
        /// timer (OnUnitActiveSec=).
        /// </summary>
        public static string OnCalendar(TimeSpan interval) =>
            ScheduleInterval.OnTheClock(interval, "*", "00", n => "00/" + n, (minute, hour) => $"*-*-* {hour}:{minute}:00");

        /// <summary>A monotonic timer's first run after boot: soon, so a machine that reboots more often than the interval is still backed up.</summary>
        private static TimeSpan BootDelay(TimeSpan interval) => interval < TimeSpan.FromMinutes(15) ? interval : TimeSpan.FromMinutes(15);
    }
}
