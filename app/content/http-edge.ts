// What people read when a request is refused before it reaches a page
// (server/app.ts), and the page between a link on another website and a
// staff page that records what it shows.

export const httpEdgeContent = {
  tooLarge: {
    title: "The file or form is too large",
    body: (limit: string) =>
      `The file or form you sent is larger than ${limit}, the most this page accepts. Nothing was saved. Go back and send a smaller file, or shorter answers.`,
  },
  noLength: {
    title: "The form could not be received",
    body: "It was sent without saying how large it is. Nothing was saved. Go back and send it again from the portal's own page.",
  },
  notAForm: {
    title: "The form could not be read",
    body: "This page takes a form sent from the portal's own pages. Nothing was saved. Go back and send it again.",
  },
  crossSite: {
    title: "Continue to the staff page",
    body: "You followed a link from another website. Nothing has been shown or recorded yet.",
    continueTo: (page: string) => `Continue to ${page}`,
  },
  backToPage: "Go back to the page",
  /** For a form whose body could not be read at all, shown in the error summary. */
  formUnreadable: "The form could not be read: go back and send it again",
};
