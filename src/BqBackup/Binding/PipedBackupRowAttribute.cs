using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using BqBackup.Catalog;

namespace BqBackup.Binding
{
    /// <summary>
    /// Lets -InputObject take a row of an export of Get-BqBackup (Import-Csv, ConvertFrom-Json, a
    /// hashtable) as the backup it names. PowerShell's own conversion sets every column on a new
    /// BackupInfo and fails on the first text it cannot read back (a date, the counts), so the row
    /// would not bind at all; here only Name, Destination and VersionId are taken (the core decides
    /// what the rest is), and StoreSettings is read per record by the cmdlet, where a bad one is
    /// that row's error. A row without Name or Destination still binds, to be reported by name.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class PipedBackupRowAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var bare = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (bare)
            {
                case BackupInfo backup:
                    return backup;
                case IDictionary table:
                    return FromRow(name => table.Contains(name) ? table[name] : null);
                case PSCustomObject _:
                    var properties = ((PSObject)inputData).Properties;
                    return FromRow(name => properties[name]?.Value);
                case IList items:
                    var converted = new List<object>(items.Count);
                    foreach (var item in items) converted.Add(Transform(engineIntrinsics, item));
                    return converted.ToArray();
                default:
                    // Anything else is left to PowerShell, which refuses what is not a backup.
                    return inputData;
            }
        }

        private static BackupInfo FromRow(Func<string, object> property) =>
            PipedBackup.FromRow(Text(property(nameof(BackupInfo.Name))), Text(property(nameof(BackupInfo.Destination))), Text(property(nameof(BackupInfo.VersionId))), storeSettings: null);

        private static string Text(object value) => (value is PSObject p ? p.BaseObject : value)?.ToString();
    }
}
