// The @pyroscope/flamegraph page of the benchmark: its FlamegraphRenderer, flamegraph only,
// on the profile at ?profile=URL (a /render answer; a "double" one is drawn in diff mode).
// window.__pyro.search(term) sets the search through the renderer's sharedQuery prop (the
// path of Pyroscope's synced search bars), which skips the 100 ms debounce of its input.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { FlamegraphRenderer } from '@pyroscope/flamegraph';
import '@pyroscope/flamegraph/dist/index.css';

function Page({ profile }) {
  const [query, setQuery] = React.useState('');
  React.useEffect(() => {
    window.__pyro = { search: setQuery };
  }, []);
  const sharedQuery = React.useMemo(
    () => ({ searchQuery: query, onQueryChange: setQuery, syncEnabled: 'bench', toggleSync: () => {}, id: 'bench' }),
    [query],
  );
  return <FlamegraphRenderer profile={profile} onlyDisplay="flamegraph" showToolbar sharedQuery={sharedQuery} colorMode="light" />;
}

const url = new URLSearchParams(location.search).get('profile');
fetch(url)
  .then((r) => r.json())
  .then((profile) => createRoot(document.getElementById('root')).render(<Page profile={profile} />))
  .catch((e) => console.error(e));
