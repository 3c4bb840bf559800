using System.Collections.Generic;
using System.Text;

namespace BqBackup.Schedule
{
    /// <summary>One thing a <see cref="SchedulePlan"/> does: write or delete a file, run a scheduler's tool, or say what was done.</summary>
    internal sealed class ScheduleStep
    {
        internal enum Action { Write, Delete, Run, Say }

        private ScheduleStep(Action kind) { Kind = kind; }

        public Action Kind { get; }
        public string Path { get; private set; }
        public string Content { get; private set; }
        public Encoding Encoding { get; private set; }
        /// <summary>A file only the run needs (the task XML handed to schtasks.exe), deleted once the plan is done.</summary>
        public bool Temporary { get; private set; }
        public List<string> Command { get; private set; }
        public string Message { get; private set; }

        public static ScheduleStep Write(string path, string content, Encoding encoding = null, bool temporary = false) =>
            new ScheduleStep(Action.Write) { Path = path, Content = content, Encoding = encoding, Temporary = temporary };

        public static ScheduleStep Delete(string path) => new ScheduleStep(Action.Delete) { Path = path };

        public static ScheduleStep Run(params string[] command) => new ScheduleStep(Action.Run) { Command = new List<string>(command) };

        public static ScheduleStep Say(string message) => new ScheduleStep(Action.Say) { Message = message };

        public override string ToString() =>
            Kind == Action.Run ? string.Join(" ", Command) : Kind == Action.Say ? "# " + Message : Kind.ToString().ToLowerInvariant() + " " + Path;
    }
}
