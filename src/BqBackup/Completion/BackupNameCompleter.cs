using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using BqBackup.Formatting;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Completion
{
    /// <summary>
    /// Completes -Name with the names of the backups in the destination already on the command line
    /// (-Destination: a folder or s3://bucket/prefix, read with the S3 parameters given beside it;
    /// without one, bunqueue's S3_BUCKET and S3_BACKUP_PREFIX), newest first. It reads one listing
    /// of the store, never a sidecar, within a few seconds; anything that goes wrong (no
    /// destination, a folder that does not exist, an unreachable endpoint, bad credentials)
    /// completes nothing and never throws.
    /// </summary>
    internal sealed class BackupNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Complete(wordToComplete, fakeBoundParameters);
            }
            catch (Exception)
            {
                return CompletionSupport.Nothing;
            }
        }

        private static IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary fake)
        {
            var env = ProcessEnvironment.Instance;
            string destination;
            try
            {
                destination = BackupStores.ResolveDestination(BackupStores.DestinationOf(CompletionSupport.BoundString(fake, "Destination") ?? CompletionSupport.BoundString(fake, "From"), // Copy-BqBackup names its source -From
                    CompletionSupport.BoundString(fake, "BucketName"), CompletionSupport.BoundString(fake, "KeyPrefix")), env);
            }
            catch (BqBackupException)
            {
                return CompletionSupport.Nothing;
            }

            if (BackupStores.IsS3(destination))
            {
                destination = Storage.S3.S3Destination.Parse(destination).ToString();
            }
            else
            {
                if (destination.IndexOf("://", StringComparison.Ordinal) >= 0) return CompletionSupport.Nothing;
                destination = CompletionSupport.ExistingFolder(destination);
                if (destination == null) return CompletionSupport.Nothing;
            }

            var options = CompletionSupport.S3Options(fake);
            var objects = CompletionSupport.WithinBudget(token =>
            {
                using (var store = BackupStores.Open(destination, options, env, createFolder: false))
                    return store.List(token);
            });
            if (objects == null) return CompletionSupport.Nothing;

            // The cmdlets' own -Name rule, with what is typed so far as a prefix; a malformed pattern completes nothing.
            BackupNamePattern pattern;
            try { pattern = BackupNamePattern.ForCompletion(CompletionSupport.Unquote(wordToComplete)); }
            catch (BqBackupException) { return CompletionSupport.Nothing; }
            var backups = new List<(string name, DateTime time, DateTimeOffset modified, long size, string origin)>();
            foreach (var o in objects)
                if (BackupNaming.TryParse(o.Key, out var origin, out var time) && pattern.IsMatch(o.Key))
                    backups.Add((o.Key, time, o.LastModified, o.Size, origin));

            return backups
                .OrderByDescending(b => b.time).ThenByDescending(b => Sequence(b.name)).ThenByDescending(b => b.modified).ThenByDescending(b => b.name, StringComparer.Ordinal)
                .Select(b => new CompletionResult(CompletionSupport.Quote(b.name), b.name, CompletionResultType.ParameterValue,
                    $"{b.name}: taken {Display.Time(b.time)} ({Display.Age(DateTime.UtcNow - b.time)} ago), {Display.Size(b.size)}, {b.origin}"))
                .ToList();
        }

        private static readonly System.Text.RegularExpressions.Regex SequenceSuffix =
            new System.Text.RegularExpressions.Regex(@"T\d{2}-\d{2}-\d{2}-(\d+)\.db\.(?:gz|zst)(?:\.age)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>backup-…-2.db.gz (or .db.zst) is the second backup of its second: it sorts after (newer than) backup-….db.gz.</summary>
        private static int Sequence(string name)
        {
            var m = SequenceSuffix.Match(name);
            return m.Success && int.TryParse(m.Groups[1].Value, out var n) ? n : 1;
        }
    }
}
