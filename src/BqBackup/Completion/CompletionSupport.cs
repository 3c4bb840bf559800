using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.Binding;
using BqBackup.Storage;

namespace BqBackup.Completion
{
    /// <summary>What the argument completers share: reading the command line typed so far, and staying quick and silent.</summary>
    internal static class CompletionSupport
    {
        /// <summary>How long a completer may spend listing a store; a slow or unreachable one completes nothing.</summary>
        internal static readonly TimeSpan ListBudget = TimeSpan.FromSeconds(5);
        internal static readonly TimeSpan S3RequestTimeout = TimeSpan.FromSeconds(3);

        internal static readonly IReadOnlyList<CompletionResult> Nothing = new CompletionResult[0];

        /// <summary>A parameter already on the command line, as a string; null when absent or not a plain value.</summary>
        internal static string BoundString(IDictionary fakeBoundParameters, string name) => S3OptionsBuilder.BoundString(fakeBoundParameters, name);

        /// <summary>The S3 settings given on the command line, read as the cmdlets read them, with a short timeout.</summary>
        internal static S3Options S3Options(IDictionary fake)
        {
            var options = S3OptionsBuilder.From(fake);
            options.Timeout = S3RequestTimeout;
            if (options.ProfileLocation != null) options.ProfileLocation = FileSystemPath(options.ProfileLocation);
            return options;
        }

        /// <summary>
        /// A folder as PowerShell reads it (relative to $PWD, ~, PSDrives) made a full file-system
        /// path; null when it is not an existing folder of the file system.
        /// </summary>
        internal static string ExistingFolder(string path)
        {
            using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                ps.AddCommand("Microsoft.PowerShell.Management\\Resolve-Path")
                    .AddParameter("LiteralPath", path)
                    .AddParameter("ErrorAction", ActionPreference.Ignore);
                var resolved = ps.Invoke<PathInfo>().FirstOrDefault();
                if (resolved == null || resolved.Provider == null || resolved.Provider.Name != "FileSystem") return null;
                return Directory.Exists(resolved.ProviderPath) ? resolved.ProviderPath : null;
            }
        }

        /// <summary>A path as PowerShell reads it (relative to $PWD, ~, PSDrives) made a full file-system path.</summary>
        internal static string FileSystemPath(string path)
        {
            using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                ps.AddScript("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)").AddArgument(path);
                return ps.Invoke<string>().FirstOrDefault() ?? path;
            }
        }

        /// <summary>Runs work with a deadline; null when it fails or does not finish in time.</summary>
        internal static T WithinBudget<T>(Func<CancellationToken, T> work) where T : class
        {
            var cancellation = new CancellationTokenSource(ListBudget);
            var task = Task.Run(() => work(cancellation.Token));
            // Whatever becomes of the work, its failure is observed and its token released.
            task.ContinueWith(t => { _ = t.Exception; cancellation.Dispose(); }, TaskScheduler.Default);
            try
            {
                return task.Wait(ListBudget + TimeSpan.FromSeconds(1)) ? task.Result : null;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>The word being completed without the quotes it was typed with.</summary>
        internal static string Unquote(string word)
        {
            if (string.IsNullOrEmpty(word)) return string.Empty;
            var w = word;
            if (w.Length > 0 && (w[0] == '\'' || w[0] == '"')) w = w.Substring(1);
            if (w.Length > 0 && (w[w.Length - 1] == '\'' || w[w.Length - 1] == '"')) w = w.Substring(0, w.Length - 1);
            return w;
        }

        private static readonly char[] NeedsQuotes = " \t'\"`$;,(){}[]@#&|<>".ToCharArray();

        /// <summary>The text to insert: single-quoted when PowerShell would otherwise read it differently.</summary>
        internal static string Quote(string text) =>
            text.IndexOfAny(NeedsQuotes) >= 0 ? "'" + text.Replace("'", "''") + "'" : text;
    }
}
