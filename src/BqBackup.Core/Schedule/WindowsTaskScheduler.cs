using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace BqBackup.Schedule
{
    /// <summary>
    /// A Windows Scheduled Task (Task Scheduler schema 1.2) registered with schtasks.exe /Create
    /// /XML; with <see cref="SchedulerOptions.FilesOnly"/> only its XML is written, as
    /// &lt;name&gt;.xml, for schtasks later.
    /// </summary>
    public sealed class WindowsTaskScheduler : IScheduler
    {
        private static readonly XNamespace TaskNs = "http://schemas.microsoft.com/windows/2004/02/mit/task";

        private readonly string folder;
        private readonly bool filesOnly;
        private readonly ICommandRunner runner;
        private readonly DateTime today;
        private readonly string schtasks = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "schtasks.exe");

        public WindowsTaskScheduler(SchedulerOptions options = null)
        {
            options = options ?? new SchedulerOptions();
            folder = options.UnitDirectory ?? options.WorkingDirectory ?? Directory.GetCurrentDirectory();
            filesOnly = options.FilesOnly;
            runner = options.Runner ?? SchedulerCommand.Instance;
            today = options.Today ?? DateTime.Today;
        }

        public ScheduleKind Kind => ScheduleKind.WindowsTask;

        private string XmlPath(string name) => Path.Combine(folder, name + ".xml");

        /// <summary>Task Scheduler takes any account and any program path: nothing more to refuse.</summary>
        public void Validate(ScheduleSettings settings) { }

        public string Find(string name) =>
            filesOnly
                ? (File.Exists(XmlPath(name)) ? XmlPath(name) : null)
                : (SchedulerCommand.Succeeds(runner, schtasks, "/Query", "/TN", name) ? name : null);

        public SchedulePlan PlanInstall(ScheduleSettings s, bool replace)
        {
            var xml = TaskXml(s, today);
            if (Find(s.Name) != null && !replace)
                throw ScheduleErrors.Exists($"A scheduled task named '{s.Name}' already exists.", s.Name);
            var every = ScheduleInterval.Describe(s.Interval);
            var what = filesOnly
                ? $"Write the Scheduled Task XML '{XmlPath(s.Name)}' (every {every}), registering nothing:"
                : $"Register the Scheduled Task '{s.Name}' (every {every}) with schtasks.exe /Create /XML:";
            // schtasks reads the XML as UTF-16, as its declaration says.
            var temp = Path.Combine(Path.GetTempPath(), $"bqbackup-task-{Guid.NewGuid():N}.xml");
            var create = new[] { schtasks, "/Create", "/TN", s.Name, "/XML", temp }.Concat(replace ? new[] { "/F" } : new string[0]).ToArray();
            return new SchedulePlan
            {
                Name = s.Name,
                Description = what + Environment.NewLine + xml,
                Question = $"Register the Scheduled Task '{s.Name}'?",
                Steps = filesOnly
                    ? new[] { ScheduleStep.Write(XmlPath(s.Name), xml, Encoding.Unicode) }
                    : new[] { ScheduleStep.Write(temp, xml, Encoding.Unicode, temporary: true), ScheduleStep.Run(create) },
                Result = new ScheduleInfo
                {
                    Name = s.Name,
                    Kind = ScheduleKind.WindowsTask,
                    Interval = s.Interval,
                    Recipients = new ReadableList<string>(s.Recipients ?? new string[0]),
                    RecipientFile = new ReadableList<string>(s.RecipientFiles ?? new string[0]),
                    Trigger = IsoDuration(s.Interval),
                    Files = filesOnly ? new ReadableList<string> { XmlPath(s.Name) } : new ReadableList<string>(),
                    Command = CommandLine(s),
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
            if (Find(name) == null)
                throw ScheduleErrors.NotFound(filesOnly ? $"No task XML '{XmlPath(name)}' to delete." : $"No scheduled task named '{name}'.", name);
            return new SchedulePlan
            {
                Name = name,
                Description = filesOnly ? $"Delete '{XmlPath(name)}'" : $"schtasks.exe /Delete /TN {name} /F",
                Question = $"Remove the schedule '{name}'?",
                Steps = new[] { filesOnly ? ScheduleStep.Delete(XmlPath(name)) : ScheduleStep.Run(schtasks, "/Delete", "/TN", name, "/F") },
            };
        }

        public void Remove(SchedulePlan plan, OperationContext context) => plan.Apply(runner, context);

        /// <summary>
        /// With <see cref="SchedulerOptions.FilesOnly"/> the task XML files in the folder; else the
        /// registered tasks whose XML (schtasks /Query /XML) is one we wrote.
        /// </summary>
        public System.Collections.Generic.IReadOnlyList<ScheduleInfo> List()
        {
            if (filesOnly) return InstalledSchedules.FromTaskFiles(folder);
            var found = new System.Collections.Generic.List<ScheduleInfo>();
            // CSV, no header: "\name","next run","status" per task and trigger.
            var names = runner.Run(schtasks, "/Query", "/FO", "CSV", "/NH").Split('\n')
                .Select(l => l.Trim()).Where(l => l.StartsWith("\"\\", StringComparison.Ordinal))
                .Select(l => l.Substring(2, l.IndexOf('"', 2) - 2)).Where(n => n.IndexOf('\\') < 0).Distinct(StringComparer.OrdinalIgnoreCase);
            foreach (var name in names)
            {
                var info = InstalledSchedules.FromTaskXml(name, runner.Run(schtasks, "/Query", "/XML", "/TN", name), null, registered: true);
                if (info != null) found.Add(info);
            }
            return found;
        }

        // -----------------------------------------------------------------------------------------
        // The task
        // -----------------------------------------------------------------------------------------

        /// <summary>The task's Exec Arguments: everything after the program, quoted for the Windows command line.</summary>
        public static string Arguments(ScheduleSettings s) =>
            string.Join(" ", ScheduleJob.Arguments(s, windows: true).Skip(1).Select(Quoting.Windows));

        public static string CommandLine(ScheduleSettings s) => Quoting.Windows(s.Executable[0]) + " " + Arguments(s);

        /// <summary>
        /// Task Scheduler schema 1.2: a TimeTrigger from <paramref name="startBoundary"/> (local time)
        /// repeating every interval indefinitely, run as -User (S4U: no password stored) or SYSTEM.
        /// </summary>
        public static string TaskXml(ScheduleSettings s, DateTime startBoundary)
        {
            XElement E(string name, params object[] content) => new XElement(TaskNs + name, content);
            var principal = s.User == null
                ? E("Principal", new XAttribute("id", "Author"), E("UserId", "S-1-5-18"), E("RunLevel", "HighestAvailable"))
                : E("Principal", new XAttribute("id", "Author"), E("UserId", s.User), E("LogonType", "S4U"), E("RunLevel", "LeastPrivilege"));
            var task = E("Task", new XAttribute("version", "1.2"),
                E("RegistrationInfo",
                    E("Author", "BqBackup"),
                    E("Description", $"{InstalledSchedules.TaskDescriptionPrefix}back up the bunqueue database every {ScheduleInterval.Describe(s.Interval)} and expire old backups. Written by Register-BqBackupSchedule; remove with Unregister-BqBackupSchedule -Name {s.Name}."),
                    E("URI", "\\" + s.Name)),
                E("Triggers",
                    E("TimeTrigger",
                        E("Enabled", "true"),
                        E("StartBoundary", startBoundary.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)),
                        E("Repetition", E("Interval", IsoDuration(s.Interval)), E("StopAtDurationEnd", "false")),
                        E("RandomDelay", IsoDuration(ScheduleInterval.RandomizedDelay(s.Interval))))),
                E("Principals", principal),
                E("Settings",
                    E("MultipleInstancesPolicy", "IgnoreNew"),
                    E("DisallowStartIfOnBatteries", "false"),
                    E("StopIfGoingOnBatteries", "false"),
                    E("StartWhenAvailable", "true"),
                    E("Enabled", "true")),
                E("Actions", new XAttribute("Context", "Author"),
                    E("Exec", E("Command", s.Executable[0]), E("Arguments", Arguments(s)))));
            var document = new XDocument(new XDeclaration("1.0", "UTF-16", null), task);
            using (var writer = new StringWriter(CultureInfo.InvariantCulture))
            {
                using (var xml = XmlWriter.Create(writer, new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\r\n" }))
                    document.Save(xml);
                return writer.ToString();
            }
        }

        /// <summary>ISO 8601 durations as Task Scheduler writes them: PT6H, PT30M, P1DT12H.</summary>
        public static string IsoDuration(TimeSpan span)
        {
            var b = new StringBuilder("P");
            if (span.Days > 0) b.Append(span.Days.ToString(CultureInfo.InvariantCulture)).Append('D');
            if (span.Hours > 0 || span.Minutes > 0 || span.Seconds > 0 || span.Days == 0)
            {
                b.Append('T');
                if (span.Hours > 0) b.Append(span.Hours.ToString(CultureInfo.InvariantCulture)).Append('H');
                if (span.Minutes > 0) b.Append(span.Minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
                if (span.Seconds > 0 || (span.Hours == 0 && span.Minutes == 0)) b.Append(span.Seconds.ToString(CultureInfo.InvariantCulture)).Append('S');
            }
            return b.ToString();
        }
    }
}
