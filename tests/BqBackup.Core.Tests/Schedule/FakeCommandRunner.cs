using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.Schedule;

namespace BqBackup.Tests.Schedule
{
    /// <summary>
    /// Stands in for systemctl and schtasks.exe: records each call (the tool's file name, then its
    /// arguments) and fails the ones <see cref="Fails"/> picks, as the real runner does, with
    /// ScheduleCommandFailed. Nothing on this machine is run.
    /// </summary>
    internal sealed class FakeCommandRunner : ICommandRunner
    {
        public List<string> Calls { get; } = new List<string>();

        /// <summary>Which calls fail (given the recorded line); none by default.</summary>
        public Func<string, bool> Fails { get; set; } = _ => false;

        /// <summary>Looks at the machine at the moment of a call (the files the plan has written or deleted by then).</summary>
        public Action<string, string[]> OnRun { get; set; }

        public string Run(string file, params string[] arguments)
        {
            var line = string.Join(" ", new[] { Path.GetFileName(file) }.Concat(arguments));
            Calls.Add(line);
            OnRun?.Invoke(line, arguments);
            if (Fails(line))
                throw new BqBackupException(ErrorIds.ScheduleCommandFailed, BqErrorCategory.InvalidOperation, $"'{line}' failed (fake).", line, "Nothing to do: a test.");
            return "";
        }
    }
}
