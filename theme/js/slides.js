// SPDX-License-Identifier: MIT OR Apache-2.0
// The lkljs-site slide deck engine: no dependencies, no network.
//
// The page holds every slide as <section class="slide"> inside .deck-stage, a
// fixed 1280x720 stage scaled to fit its box. Without this script (or when
// printing) the slides simply stack, one per page.
//
// Test hooks on <html>: data-slide (current, 1-based), data-slide-count,
// data-overview ("open"/"closed"), data-deck-ready ("true" once running);
// data-overflow="true" on each slide whose content does not fit;
// and window.lkljsDeck with go(n), next(), prev(), toggleOverview(), openNotes().
(() => {
  'use strict';

  const STAGE_WIDTH = 1280;
  const STAGE_HEIGHT = 720;
  const SWIPE_MIN_PX = 40;
  const TYPED_NUMBER_TIMEOUT_MS = 1500;

  const root = document.documentElement;
  const deck = document.querySelector('.deck');
  const stage = deck && deck.querySelector('.deck-stage');
  const slides = stage ? Array.from(stage.querySelectorAll(':scope > .slide')) : [];
  if (slides.length === 0) return;
  const count = slides.length;
  const notesMode = new URLSearchParams(location.search).has('notes');
  const counterCurrent = document.querySelector('.deck-counter-current');
  const progressBar = document.querySelector('.deck-progress-bar');

  let current = -1;
  let typedNumber = '';
  let typedNumberTimer = 0;
  let overview = null; // the overview element, built on first use
  let speakerView = null; // only in the notes window

  root.classList.add('deck-js');
  root.classList.toggle('deck-notes-mode', notesMode);
  root.dataset.slideCount = String(count);
  root.dataset.overview = 'closed';

  // ----- Fitting the 1280x720 stage (and thumbnails) into their boxes -----

  // Each observed box gets --stage-scale, the largest scale at which a
  // 1280x720 stage fits inside it; CSS applies it to the stage it holds.
  const fitter = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const { width, height } = entry.contentRect;
      const scale = Math.min(width / STAGE_WIDTH, height / STAGE_HEIGHT);
      entry.target.style.setProperty('--stage-scale', String(scale > 0 ? scale : 0));
    }
  });
  fitter.observe(deck);

  // A scaled, inert copy of a slide's content, for the overview and the
  // speaker view's next-slide preview.
  function thumbnail(index) {
    const box = document.createElement('div');
    box.className = 'deck-thumb';
    const thumbStage = document.createElement('div');
    thumbStage.className = 'deck-thumb-stage';
    const copy = slides[index].cloneNode(true);
    copy.removeAttribute('id');
    copy.querySelectorAll('[id]').forEach((element) => element.removeAttribute('id'));
    copy.querySelectorAll('.notes, script').forEach((element) => element.remove());
    copy.classList.add('is-current');
    copy.setAttribute('aria-hidden', 'true');
    copy.inert = true;
    thumbStage.append(copy);
    box.append(thumbStage);
    fitter.observe(box);
    return box;
  }

  // ----- Moving between slides -----

  function clampIndex(index) {
    return Math.min(Math.max(index, 0), count - 1);
  }

  // The slide a URL fragment names: "#5", "#slide-5", or the id of an element
  // inside a slide (a heading, say). null when it names none.
  function indexFromHash(hash) {
    const numbered = /^#(?:slide-)?(\d+)$/.exec(hash);
    if (numbered) return clampIndex(parseInt(numbered[1], 10) - 1);
    if (hash.length < 2) return null;
    let target = null;
    try {
      target = document.getElementById(decodeURIComponent(hash.slice(1)));
    } catch (_) {
      return null;
    }
    const index = target ? slides.indexOf(target.closest('.slide')) : -1;
    return index >= 0 ? index : null;
  }

  // history: "push" adds an entry (so back/forward walk the slides),
  // "replace" rewrites the current one, "none" leaves the URL alone.
  function go(index, { history: historyMode = 'push', broadcast = true } = {}) {
    index = clampIndex(index);
    const hash = `#${index + 1}`;
    if (historyMode !== 'none' && location.hash !== hash) {
      if (historyMode === 'replace') history.replaceState(history.state, '', hash);
      else history.pushState(null, '', hash);
    }
    if (index === current) return;
    current = index;
    slides.forEach((slide, position) => {
      slide.classList.toggle('is-current', position === index);
      slide.classList.toggle('is-past', position < index);
      slide.setAttribute('aria-hidden', String(position !== index));
    });
    root.dataset.slide = String(index + 1);
    if (counterCurrent) counterCurrent.textContent = String(index + 1);
    if (progressBar) progressBar.style.transform = `scaleX(${count > 1 ? index / (count - 1) : 1})`;
    if (overview) markOverviewSelection();
    if (speakerView) speakerView.update();
    if (broadcast) channel.post({ type: 'slide', slide: index + 1 });
  }

  const next = () => go(current + 1);
  const prev = () => go(current - 1);

  // Back/forward and hand-edited fragments: follow the URL, without adding history.
  function followLocation() {
    // No fragment at all is the deck's first entry: slide 1.
    const index = location.hash ? indexFromHash(location.hash) : 0;
    go(index === null ? current : index, { history: 'replace' });
  }
  window.addEventListener('popstate', followLocation);
  window.addEventListener('hashchange', followLocation);

  // ----- Overview grid -----

  function buildOverview() {
    overview = document.createElement('nav');
    overview.className = 'deck-overview';
    overview.setAttribute('aria-label', 'All slides');
    slides.forEach((_, index) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'deck-overview-item';
      button.dataset.index = String(index + 1);
      button.setAttribute('aria-label', `Slide ${index + 1}`);
      button.append(thumbnail(index));
      const label = document.createElement('span');
      label.className = 'deck-overview-number';
      label.textContent = String(index + 1);
      button.append(label);
      button.addEventListener('click', () => {
        go(index);
        toggleOverview(false);
      });
      overview.append(button);
    });
    document.body.append(overview);
  }

  function markOverviewSelection() {
    overview.querySelectorAll('.deck-overview-item').forEach((item, index) => {
      const selected = index === current;
      item.classList.toggle('is-current', selected);
      if (selected) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    });
  }

  function toggleOverview(open = root.dataset.overview !== 'open') {
    if (open && !overview) buildOverview();
    root.dataset.overview = open ? 'open' : 'closed';
    if (!overview) return;
    overview.hidden = !open;
    if (open) {
      markOverviewSelection();
      const item = overview.querySelector('.deck-overview-item.is-current');
      if (item) {
        item.focus({ preventScroll: true });
        item.scrollIntoView({ block: 'nearest' });
      }
    } else if (document.activeElement && overview.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }

  // How many thumbnails a row of the overview grid holds, for ↑/↓.
  function overviewColumns() {
    const columns = getComputedStyle(overview).gridTemplateColumns.split(' ').filter(Boolean);
    return Math.max(columns.length, 1);
  }

  // ----- Speaker notes: a second window on the same page, kept in sync -----

  // One channel per deck, so that several decks open at once do not mix.
  const channel = (() => {
    if (typeof BroadcastChannel !== 'function') return { post() {} };
    const broadcast = new BroadcastChannel(`lkljs-deck:${location.pathname}`);
    broadcast.addEventListener('message', (event) => {
      const message = event.data || {};
      if (message.type === 'slide' && Number.isInteger(message.slide)) {
        go(message.slide - 1, { history: 'replace', broadcast: false });
      } else if (message.type === 'hello' && !notesMode) {
        broadcast.postMessage({ type: 'slide', slide: current + 1 });
      }
    });
    return { post: (message) => broadcast.postMessage(message) };
  })();

  function openNotes() {
    if (notesMode) return;
    const url = new URL(location.href);
    url.searchParams.set('notes', '');
    url.hash = `#${current + 1}`;
    const notesWindow = window.open(url.href, `lkljs-deck-notes:${location.pathname}`, 'popup,width=1200,height=760');
    if (!notesWindow) toast('The speaker notes open in a pop-up window: allow pop-ups for this site, then press S again.');
  }

  function buildSpeakerView() {
    const view = document.createElement('div');
    view.className = 'speaker-view';
    view.innerHTML = `
      <div class="speaker-status">
        <span class="speaker-counter"></span>
        <span class="speaker-timer" role="timer" aria-label="Elapsed time">00:00</span>
        <button type="button" class="speaker-pause">Pause</button>
        <button type="button" class="speaker-reset">Reset</button>
      </div>
      <div class="speaker-next"><div class="speaker-label">Next</div><div class="speaker-next-slide"></div></div>
      <div class="speaker-notes" aria-live="polite"></div>`;
    document.body.append(view);
    const counter = view.querySelector('.speaker-counter');
    const timer = view.querySelector('.speaker-timer');
    const pause = view.querySelector('.speaker-pause');
    const nextSlide = view.querySelector('.speaker-next-slide');
    const notes = view.querySelector('.speaker-notes');

    // The timer counts running time only: pausing banks what has elapsed. It
    // is kept per tab, so a live reload during a rehearsal does not reset it.
    const timerKey = `lkljs-deck-timer:${location.pathname}`;
    let state = { banked: 0, startedAt: Date.now() };
    try {
      const saved = JSON.parse(sessionStorage.getItem(timerKey) || 'null');
      if (saved && Number.isFinite(saved.banked) && (saved.startedAt === null || Number.isFinite(saved.startedAt))) {
        state = saved;
      }
    } catch (_) { /* storage unavailable or corrupt: start afresh */ }
    const save = () => {
      try { sessionStorage.setItem(timerKey, JSON.stringify(state)); } catch (_) { /* not kept */ }
    };
    const elapsed = () => state.banked + (state.startedAt === null ? 0 : Date.now() - state.startedAt);
    const showTime = () => {
      const seconds = Math.floor(Math.max(elapsed(), 0) / 1000);
      const two = (n) => String(n).padStart(2, '0');
      const hours = Math.floor(seconds / 3600);
      timer.textContent = `${hours ? `${hours}:` : ''}${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
      pause.textContent = state.startedAt === null ? 'Resume' : 'Pause';
    };
    setInterval(showTime, 250);
    pause.addEventListener('click', () => {
      state = state.startedAt === null
        ? { banked: state.banked, startedAt: Date.now() }
        : { banked: elapsed(), startedAt: null };
      save();
      showTime();
    });
    view.querySelector('.speaker-reset').addEventListener('click', () => {
      state = { banked: 0, startedAt: state.startedAt === null ? null : Date.now() };
      save();
      showTime();
    });
    save();
    showTime();

    return {
      update() {
        counter.textContent = `Slide ${current + 1} of ${count}`;
        const source = slides[current].querySelector('.notes');
        notes.innerHTML = source ? source.innerHTML : '<p class="speaker-no-notes">No notes for this slide.</p>';
        nextSlide.querySelectorAll('.deck-thumb').forEach((old) => fitter.unobserve(old));
        nextSlide.replaceChildren(current + 1 < count ? thumbnail(current + 1) : endOfDeck());
      },
    };
  }

  function endOfDeck() {
    const end = document.createElement('div');
    end.className = 'speaker-end';
    end.textContent = 'End of the deck';
    return end;
  }

  // ----- Full screen, messages -----

  function toggleFullscreen() {
    const element = document.documentElement;
    if (document.fullscreenElement || document.webkitFullscreenElement) {
      (document.exitFullscreen || document.webkitExitFullscreen).call(document);
    } else {
      const request = element.requestFullscreen || element.webkitRequestFullscreen;
      if (request) {
        const result = request.call(element);
        if (result && result.catch) result.catch(() => toast('This browser refused full screen.'));
      }
    }
  }

  let toastTimer = 0;
  function toast(text) {
    let box = document.querySelector('.deck-toast');
    if (!box) {
      box = document.createElement('div');
      box.className = 'deck-toast';
      box.setAttribute('role', 'status');
      document.body.append(box);
    }
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  // ----- Keyboard help (?) -----

  const SHORTCUTS = [
    ['→ ↓ Space Page Down', 'next slide'],
    ['← ↑ Shift+Space Page Up', 'previous slide'],
    ['Home / End', 'first / last slide'],
    ['number, then Enter', 'go to that slide'],
    ['O or Esc', 'overview of all slides'],
    ['S', 'speaker notes window'],
    ['F', 'full screen'],
    ['?', 'this help'],
  ];
  let help = null;
  function toggleHelp(open = !help || help.hidden) {
    if (!help) {
      help = document.createElement('div');
      help.className = 'deck-help';
      help.setAttribute('role', 'dialog');
      help.setAttribute('aria-label', 'Keyboard shortcuts');
      const list = document.createElement('dl');
      for (const [keys, action] of SHORTCUTS) {
        const term = document.createElement('dt');
        term.textContent = keys;
        const description = document.createElement('dd');
        description.textContent = action;
        list.append(term, description);
      }
      help.append(list);
      help.addEventListener('click', () => toggleHelp(false));
      document.body.append(help);
    }
    help.hidden = !open;
    root.dataset.help = open ? 'open' : 'closed';
  }

  // ----- Keyboard and touch -----

  function isTyping(target) {
    return target instanceof Element && (target.isContentEditable || target.closest('input, textarea, select'));
  }

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (help && !help.hidden && event.key !== '?') {
      // Any key closes the help; Escape and the like do nothing else.
      toggleHelp(false);
      event.preventDefault();
      return;
    }
    const overviewOpen = root.dataset.overview === 'open';
    const row = overviewOpen ? overviewColumns() : 1;
    let handled = true;
    switch (event.key) {
      case 'ArrowRight':
      case 'PageDown':
        next();
        break;
      case 'ArrowDown':
        go(current + row);
        break;
      case 'ArrowLeft':
      case 'PageUp':
        prev();
        break;
      case 'ArrowUp':
        go(current - row);
        break;
      case ' ':
      case 'Spacebar':
        if (event.shiftKey) prev();
        else next();
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(count - 1);
        break;
      case 'Enter':
        if (typedNumber) {
          go(parseInt(typedNumber, 10) - 1);
          typedNumber = '';
        } else if (overviewOpen) {
          toggleOverview(false);
        } else {
          handled = false;
        }
        break;
      case 'o':
      case 'O':
      case 'Escape':
        toggleOverview();
        break;
      case 'f':
      case 'F':
        toggleFullscreen();
        break;
      case 's':
      case 'S':
        openNotes();
        break;
      case '?':
        toggleHelp();
        break;
      default:
        if (/^[0-9]$/.test(event.key)) {
          // Typing a number then Enter jumps to that slide.
          typedNumber += event.key;
          clearTimeout(typedNumberTimer);
          typedNumberTimer = setTimeout(() => { typedNumber = ''; }, TYPED_NUMBER_TIMEOUT_MS);
        } else {
          handled = false;
        }
    }
    if (handled) event.preventDefault();
  });

  // A horizontal swipe moves one slide, unless it scrolled something sideways.
  let touchStart = null;
  deck.addEventListener('touchstart', (event) => {
    touchStart = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY, target: event.target } : null;
  }, { passive: true });
  deck.addEventListener('touchend', (event) => {
    if (!touchStart) return;
    const touch = event.changedTouches[0];
    const dx = touch.clientX - touchStart.x;
    const dy = touch.clientY - touchStart.y;
    const scroller = touchStart.target instanceof Element && touchStart.target.closest('pre, .table-wrap');
    touchStart = null;
    if (scroller && scroller.scrollWidth > scroller.clientWidth) return;
    if (Math.abs(dx) >= SWIPE_MIN_PX && Math.abs(dx) > 1.5 * Math.abs(dy)) {
      if (dx < 0) next();
      else prev();
    }
  }, { passive: true });

  // Slides are laid out even while hidden, so content taller than the stage
  // can be found at once: tell the author (console) and tests (data-overflow).
  function reportOverflow() {
    slides.forEach((slide, index) => {
      const body = slide.querySelector('.slide-body') || slide;
      const overflows = body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1;
      if (overflows) {
        slide.dataset.overflow = 'true';
        console.warn(`Slide ${index + 1} does not fit the ${STAGE_WIDTH}x${STAGE_HEIGHT} stage; its end is cut off.`);
      } else {
        delete slide.dataset.overflow;
      }
    });
  }

  // ----- Start -----

  if (notesMode) {
    speakerView = buildSpeakerView();
    document.title = `Speaker notes: ${document.title}`;
  }
  const start = indexFromHash(location.hash);
  // Keep a valid fragment as it is (a heading id, say); rewrite only bad ones.
  go(start === null ? 0 : start, { history: start === null && location.hash ? 'replace' : 'none', broadcast: false });
  if (notesMode) channel.post({ type: 'hello' });
  if (document.readyState === 'complete') reportOverflow();
  else window.addEventListener('load', reportOverflow, { once: true });

  window.lkljsDeck = Object.freeze({
    count,
    get current() { return current + 1; },
    go: (slide) => go(slide - 1),
    next,
    prev,
    toggleOverview: () => toggleOverview(),
    openNotes,
  });
  // Transitions start only now: had they been on while the script took over,
  // every other slide would have faded out over the first one. Reading a style
  // settles the current one, so adding the class animates nothing by itself.
  getComputedStyle(slides[0]).opacity;
  root.classList.add('deck-animate');
  root.dataset.deckReady = 'true';
})();
