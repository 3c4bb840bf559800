using System;
using System.Collections;
using System.Management.Automation;
using BqBackup.Storage;

namespace BqBackup.Binding
{
    /// <summary>
    /// The StoreSettings a piped object carries, in whichever form it arrives: the object itself
    /// (Get-BqBackup's output), its ConvertTo-Json / ConvertFrom-Json form (an object with the same
    /// properties), or its Export-Csv / Import-Csv form (the settings' text).
    /// </summary>
    internal static class CarriedStoreSettings
    {
        /// <summary>The settings of <paramref name="value"/>; null for none; InvalidStoreSettings for what reads as neither.</summary>
        public static StoreSettings From(object value)
        {
            var bare = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (bare)
            {
                case null:
                    return null;
                case StoreSettings settings:
                    return settings;
                case string text:
                    return StoreSettings.Parse(text);
                case IDictionary table:
                    return Read(name => table.Contains(name) ? table[name] : null);
                case PSCustomObject _:
                    var properties = ((PSObject)value).Properties;
                    return Read(name => properties[name]?.Value);
                default:
                    // Read as its text: refused (InvalidStoreSettings) unless it is the settings' own.
                    return StoreSettings.Parse(bare.ToString());
            }
        }

        private static StoreSettings Read(Func<string, object> property) => new StoreSettings
        {
            EndpointUrl = Text(property(nameof(StoreSettings.EndpointUrl))),
            Region = Text(property(nameof(StoreSettings.Region))),
            ForcePathStyle = bool.TryParse(Text(property(nameof(StoreSettings.ForcePathStyle))), out var pathStyle) ? pathStyle : (bool?)null,
            ProfileName = Text(property(nameof(StoreSettings.ProfileName))),
            ProfileLocation = Text(property(nameof(StoreSettings.ProfileLocation))),
        };

        private static string Text(object value)
        {
            var text = value is PSObject p ? p.BaseObject?.ToString() : value?.ToString();
            return string.IsNullOrEmpty(text) ? null : text;
        }
    }
}
